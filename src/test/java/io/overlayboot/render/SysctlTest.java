package io.overlayboot.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.overlayboot.core.ExitCode;
import io.overlayboot.core.OverlaybootException;
import org.junit.jupiter.api.Test;

class SysctlTest {
    @Test
    void parsesKeyAndValue() {
        assertThat(Sysctl.parse("vm.swappiness=10")).isEqualTo(new Sysctl("vm.swappiness", "10"));
        assertThat(Sysctl.parse("net.ipv4.ip_local_port_range=32768 60999").value()).isEqualTo("32768 60999");
    }

    @Test
    void refusesMalformedKeysAndMultiLineValues() {
        assertThatThrownBy(() -> Sysctl.parse("swappiness")).isInstanceOf(OverlaybootException.class)
                .hasMessageContaining("not KEY=VALUE");
        assertThatThrownBy(() -> Sysctl.parse("vm=1")).hasMessageContaining("Bad sysctl key 'vm'");
        assertThatThrownBy(() -> new Sysctl("vm.swappiness", "1\nkernel.panic=1"))
                .isInstanceOfSatisfying(OverlaybootException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.BAD_INPUT))
                .hasMessageContaining("1\\nkernel.panic=1");
    }

    @Test
    void knowsWhichSettingsWeakenSecurity() {
        assertThat(Sysctl.parse("kernel.yama.protected_sticky_symlinks=0").weakensSecurity()).isTrue();
        assertThat(Sysctl.parse("fs.protected_symlinks=1").weakensSecurity()).isFalse();
        assertThat(Sysctl.parse("vm.swappiness=0").weakensSecurity()).isFalse();
    }

    @Test
    void theWarningNamesTheSettingAndOnlyWeakeningOnesHaveOne() {
        assertThat(Sysctl.parse("kernel.yama.ptrace_scope=0").warning())
                .contains("sysctl kernel.yama.ptrace_scope=0 weakens a kernel protection; keep it only if you need it");
        assertThat(Sysctl.parse("kernel.yama.ptrace_scope=1").warning()).isEmpty();
    }

    @Test
    void theAssignmentParsesBackToTheSameValue() {
        for (String text : java.util.List.of("vm.swappiness=10", "kernel.core_pattern=|/bin/x \"%e\"", "a.b=x=y")) {
            assertThat(Sysctl.parse(text).assignment()).isEqualTo(text);
            assertThat(Sysctl.parse(Sysctl.parse(text).assignment())).isEqualTo(Sysctl.parse(text));
        }
    }
}

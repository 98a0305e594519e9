package io.overlayboot.install;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.overlayboot.core.ExitCode;
import io.overlayboot.core.OverlaybootException;
import io.overlayboot.render.Sysctl;
import io.overlayboot.settings.Settings;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** configure's KEY=VALUE words, parsed into settings keyed by their Setting and sysctl values. */
class SettingsChangeTest {
    @Test
    void settingsAreKeyedByTheirSettingAndSysctlsAreValues() {
        SettingsChange c = SettingsChange.parse(List.of("size=25%", "swap=", "sysctl=vm.swappiness=10",
                "sysctl=kernel.dmesg_restrict=", "size=30%"));
        assertThat(c.settings()).containsExactly(Map.entry(Settings.SIZE, "30%"), Map.entry(Settings.SWAP, ""));
        assertThat(c.sysctl()).containsExactly(new Sysctl("vm.swappiness", "10"));
        assertThat(c.droppedSysctl()).containsExactly("kernel.dmesg_restrict");
    }

    @Test
    void theLastWordForASysctlWins() {
        SettingsChange c = SettingsChange.parse(List.of("sysctl=vm.swappiness=10", "sysctl=vm.swappiness="));
        assertThat(c.sysctl()).isEmpty();
        assertThat(c.droppedSysctl()).containsExactly("vm.swappiness");
    }

    @Test
    void badWordsAreBadInputNamingThem() {
        for (String[] bad : new String[][] {
                {"size", "Bad setting 'size': not KEY=VALUE"},
                {"sysctl=vm.swappiness", "Bad setting 'sysctl=vm.swappiness': expected sysctl=NAME=VALUE"},
                {"colour=blue", "Unknown setting 'colour' in 'colour=blue'"},
                {"size=lots", "Bad value 'lots' for size"}}) {
            assertThatThrownBy(() -> SettingsChange.parse(List.of(bad[0]))).isInstanceOfSatisfying(OverlaybootException.class, e -> {
                assertThat(e.exitCode()).isEqualTo(ExitCode.BAD_INPUT);
                assertThat(e.getMessage()).isEqualTo(bad[1]);
            });
        }
    }
}

package io.overlayboot.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@code overlayboot demo} boots what {@code render} with the same options would install: its config file too. */
class DemoCommandTest {
    @Test
    void theBootUsesTheRenderedConfigFile() {
        Cli.Run r = Cli.run("demo", "--size", "10%");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("root is protected", "tmpfs (size 10%)", "status=protected")
                .doesNotContain("size 50%");
    }

    @Test
    void modeTmpfsWithoutGrubProtectsThroughTheConfigFileAlone() {
        Cli.Run r = Cli.run("demo", "--mode", "tmpfs", "--no-grub");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("the kernel command line is: root=/dev/vda ro\n", "status=protected",
                "nothing reached the disk");
    }

    @Test
    void withoutGrubAndWithoutAModeNothingSwitchesProtectionOn() {
        Cli.Run r = Cli.run("demo", "--no-grub");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("the kernel command line is: root=/dev/vda ro\n", "The root was NOT protected");
    }
}

package io.overlayboot.helper;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FstabTest {
    private static final String FSTAB = """
            # <file system> <mount point> <type> <options> <dump> <pass>
            UUID=1234 /               ext4    errors=remount-ro 0       1
            UUID=5678 /boot/efi       vfat    umask=0077      0       1
            /dev/sda3 none            swap    sw              0       0
            \t/swapfile\tnone\tswap\tsw\t0\t0

            tmpfs /tmp tmpfs defaults 0 0
            """;

    @Test
    void dropsTheRootAndSwapLines() {
        assertThat(Fstab.rewrite(FSTAB, false)).isEqualTo("""
                # <file system> <mount point> <type> <options> <dump> <pass>
                UUID=5678 /boot/efi       vfat    umask=0077      0       1

                tmpfs /tmp tmpfs defaults 0 0
                """);
    }

    @Test
    void keepsSwapWhenAsked() {
        assertThat(Fstab.rewrite(FSTAB, true))
                .contains("/dev/sda3 none            swap", "\t/swapfile\tnone\tswap")
                .doesNotContain("UUID=1234");
    }

    @Test
    void leavesCommentsThatMentionRootAlone() {
        assertThat(Fstab.rewrite("# / was on /dev/sda1\n", false)).isEqualTo("# / was on /dev/sda1\n");
    }
}

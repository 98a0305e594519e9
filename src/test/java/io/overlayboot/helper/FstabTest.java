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
    void dropsTheRootAndSwapLinesUnderAHeader() {
        Fstab.Rewrite r = Fstab.rewrite(FSTAB, false, false, "/rw");

        assertThat(r.text()).isEqualTo(Fstab.HEADER + "\n" + """
                # <file system> <mount point> <type> <options> <dump> <pass>
                UUID=5678 /boot/efi       vfat    umask=0077      0       1

                tmpfs /tmp tmpfs defaults 0 0
                """);
        assertThat(r.directories()).isEmpty();
    }

    @Test
    void keepsSwapWhenAsked() {
        assertThat(Fstab.rewrite(FSTAB, true, false, "/rw").text())
                .contains("/dev/sda3 none            swap", "\t/swapfile\tnone\tswap")
                .doesNotContain("UUID=1234");
    }

    @Test
    void putsOtherLocalFilesystemsUnderAUnionWithRecurse() {
        Fstab.Rewrite r = Fstab.rewrite(FSTAB, false, true, "/rw/keep");

        assertThat(r.text()).contains("""
                UUID=5678 /ro/boot/efi vfat umask=0077,ro 0 0
                overlayboot /boot/efi overlay lowerdir=/ro/boot/efi,upperdir=/rw/keep/recurse/boot/efi/upper,\
                workdir=/rw/keep/recurse/boot/efi/work,x-systemd.requires-mounts-for=/ro/boot/efi 0 0

                tmpfs /tmp tmpfs defaults 0 0
                """);
        assertThat(r.directories()).containsExactly("rw/keep/recurse/boot/efi/upper", "rw/keep/recurse/boot/efi/work");
    }

    @Test
    void aLastLineWithoutNewlineAndShortLinesAreKept() {
        assertThat(Fstab.rewrite("proc /proc proc defaults\nweird", false, false, "/rw").text())
                .isEqualTo(Fstab.HEADER + "\nproc /proc proc defaults\nweird\n");
    }
}

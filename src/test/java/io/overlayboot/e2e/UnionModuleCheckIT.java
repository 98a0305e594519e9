package io.overlayboot.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.overlayboot.render.RenderRequest;
import io.overlayboot.vm.DebianChroot;
import io.overlayboot.vm.Distro;
import io.overlayboot.vm.InitrdCache;
import io.overlayboot.vm.TargetLayout;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Issue 11 item 4: the build-time warning "no union filesystem ... boots UNPROTECTED" is true on
 * Debian 12 and on Debian 13 (whose {@code manual_add_modules} only queues a module and copies it
 * after the hooks ran), and in the dracut module's build step (Debian 13's dracut): silent when
 * overlay.ko is there, loud when the kernel really lacks it. Runs the generator itself
 * ({@code update-initramfs}, {@code dracut --force}) in a copy of each chroot with overlayboot's
 * rendered files laid in, and checks the initrd it made ({@code lsinitramfs}, {@code lsinitrd})
 * against the warning; the silent build also holds the boot library the front-ends source.
 */
@Tag("vm")
class UnionModuleCheckIT {
    /** initramfs-tools prints it after "W: ", dracut's dwarn after "dracut[W]: ". */
    static final String WARNING = "overlayboot: no union filesystem";
    static final String LIBRARY = "usr/share/overlayboot/overlayboot-functions";

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(names = {"BOOKWORM", "TRIXIE", "DRACUT"})
    void silentWhenOverlayIsInTheInitrd(Distro distro) throws IOException {
        DebianChroot chroot = DebianChroot.ensure(distro, System.err::println);
        List<String> out = build(chroot, "");

        assertThat(out).as(String.join("\n", out)).anyMatch(l -> l.matches(".*/overlay\\.ko(\\.[a-z]+)?$"));
        assertThat(out).noneMatch(l -> l.contains(WARNING));
        assertThat(out).anyMatch(l -> l.endsWith(LIBRARY));
    }

    @ParameterizedTest
    @EnumSource(names = {"BOOKWORM", "TRIXIE", "DRACUT"})
    void loudWhenTheKernelHasNoOverlayModule(Distro distro) throws IOException {
        DebianChroot chroot = DebianChroot.ensure(distro, System.err::println);
        String version = chroot.kernelVersion();
        List<String> out = build(chroot, "rm -f /lib/modules/" + version + "/kernel/fs/overlayfs/overlay.ko*\n"
                + "depmod " + version + "\n");

        assertThat(out).as(String.join("\n", out)).noneMatch(l -> l.matches(".*/overlay\\.ko(\\.[a-z]+)?$"));
        assertThat(out).anyMatch(l -> l.contains(WARNING) && l.contains(version) && l.contains("UNPROTECTED"));
    }

    /** The generator's build on the copy after {@code before}; its output, then the initrd's listing. */
    private List<String> build(DebianChroot chroot, String before) throws IOException {
        Path work = Files.createDirectories(dir.resolve("work"));
        TargetLayout.rendered(RenderRequest.defaults()).layInto(Files.createDirectories(work.resolve("upper")));
        String version = chroot.kernelVersion();
        if (chroot.distro().generator() == Distro.Generator.DRACUT) {
            return chroot.run(work, InitrdCache.DRACUT_PREPARE + InitrdCache.DRACUT_SHELL_INIT + before
                    + "dracut --force /boot/initrd.img-" + version + " " + version + " 2>&1\n"
                    + "lsinitrd /boot/initrd.img-" + version + "\n", line -> {});
        }
        return chroot.run(work, InitrdCache.PREPARE + before
                + "update-initramfs -c -k " + version + " 2>&1\n"
                + "lsinitramfs /boot/initrd.img-" + version + "\n", line -> {});
    }
}

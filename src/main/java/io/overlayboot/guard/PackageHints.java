package io.overlayboot.guard;

import io.overlayboot.render.Renderer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Optional;

/**
 * The guard's hints on a machine where the Debian package carries the boot files: they name the
 * package's places ({@code /usr/share/initramfs-tools}, {@code /usr/lib/dracut/dracut.conf.d}) and
 * its commands ({@code apt install --reinstall overlayboot}, {@code overlayboot enable}) instead of
 * the admin's places under {@code /etc} and {@code overlayboot install}, which refuses there.
 */
final class PackageHints {
    private PackageHints() {}

    /** True when dpkg lists the package's boot library in the root (as {@code install.Packaged} decides). */
    static boolean installed(InRoot root) {
        Optional<java.nio.file.Path> list = root.find("var/lib/dpkg/info/overlayboot.list");
        if (list.isEmpty()) {
            return false;
        }
        try {
            return Files.readAllLines(list.get(), StandardCharsets.UTF_8).contains("/" + Renderer.LIBRARY);
        } catch (IOException e) {
            return false;
        }
    }

    /** {@code hint} for a packaged machine when {@code packaged}, else as it is. */
    static String adapt(String hint, boolean packaged) {
        if (!packaged) {
            return hint;
        }
        return hint.replace("/etc/initramfs-tools/", "/usr/share/initramfs-tools/")
                .replace("/etc/dracut.conf.d/overlayboot.conf", "/usr/lib/dracut/dracut.conf.d/90-overlayboot.conf")
                .replace("'overlayboot install' puts them back", "'apt install --reinstall overlayboot' puts them back")
                .replace("'overlayboot install' puts it back", "'apt install --reinstall overlayboot' puts it back")
                .replace("overlayboot install --mode tmpfs --no-grub", "overlayboot enable --no-grub")
                .replace("'overlayboot install'", "'overlayboot enable'");
    }
}

package io.overlayboot.render;

import java.util.Optional;

/**
 * Where the rendered files land. {@link #ADMIN}: the admin's places under {@code /etc}, as
 * {@code overlayboot install} lays them. {@link #PACKAGE}: the Debian package's own places
 * ({@code /usr/share/initramfs-tools}, {@code /usr/lib/dracut}), with only the admin-editable files
 * under {@code /etc} (the package's conffiles) and no GRUB drop-in or sysctl file: the package
 * changes nothing about how a machine boots until {@code overlayboot enable}.
 */
public enum Layout {
    ADMIN,
    PACKAGE;

    private static final String ADMIN_INITRAMFS_TOOLS = "etc/initramfs-tools/";
    private static final String PACKAGE_INITRAMFS_TOOLS = "usr/share/initramfs-tools/";
    private static final String ADMIN_SYSTEMD = "etc/systemd/system/";
    private static final String PACKAGE_SYSTEMD = "usr/lib/systemd/system/";

    /** Where a file rendered for the admin layout at {@code adminPath} lands here; empty: not in this layout. */
    public Optional<String> place(String adminPath) {
        if (this == ADMIN) {
            return Optional.of(adminPath);
        }
        if (adminPath.startsWith(ADMIN_INITRAMFS_TOOLS)) {
            return Optional.of(PACKAGE_INITRAMFS_TOOLS + adminPath.substring(ADMIN_INITRAMFS_TOOLS.length()));
        }
        if (adminPath.startsWith(ADMIN_SYSTEMD)) { // a package's units live under /usr; /etc's override them
            return Optional.of(PACKAGE_SYSTEMD + adminPath.substring(ADMIN_SYSTEMD.length()));
        }
        return switch (adminPath) {
            // dracut reads /usr/lib/dracut/dracut.conf.d before /etc/dracut.conf.d, which stays the admin's
            case "etc/dracut.conf.d/overlayboot.conf" -> Optional.of("usr/lib/dracut/dracut.conf.d/90-overlayboot.conf");
            case "etc/default/grub.d/overlayboot.cfg", "etc/sysctl.d/90-overlayboot.conf" -> Optional.empty();
            default -> Optional.of(adminPath);
        };
    }
}

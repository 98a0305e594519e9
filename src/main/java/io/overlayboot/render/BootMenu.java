package io.overlayboot.render;

import java.util.Map;

/**
 * overlayboot's own GRUB menu entries ({@code /etc/grub.d/42_overlayboot}): their stable ids, which
 * {@code overlayboot next-boot} hands to GRUB as {@code next_entry}, and their titles. The ids carry
 * no kernel version, so a choice made before a kernel upgrade still names an entry after it.
 */
public final class BootMenu {
    private BootMenu() {}

    /** The grub.d script, relative to the target's root. */
    public static final String SCRIPT = "etc/grub.d/42_overlayboot";
    /** Protected, writes in RAM ({@code overlayboot=tmpfs}). */
    public static final String RAM = "overlayboot-protected-ram";
    /** Protected, writes on the configured upper device; only when one is configured. */
    public static final String DEVICE = "overlayboot-protected-device";
    /** The one-shot flag without GRUB, relative to the root the boot mounts (read and removed by the boot library). */
    public static final String FLAG = "etc/overlayboot/next-boot";
    /** Writable, NOT protected ({@code overlayboot=disabled}). */
    public static final String WRITABLE = "overlayboot-writable";

    static Map<String, String> ids() {
        return Map.of("ram", RAM, "device", DEVICE, "writable", WRITABLE);
    }

    static Map<String, String> titles() {
        return Map.of("ram", "protected (RAM)", "device", "protected (device)", "writable", "maintenance (writable, NOT protected)");
    }
}

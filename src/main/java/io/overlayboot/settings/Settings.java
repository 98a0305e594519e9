package io.overlayboot.settings;

import java.util.List;
import java.util.Optional;

/** The table of every boot option overlayboot knows. The order here is the order of the docs. */
public final class Settings {
    public static final Setting MODE = new Setting("mode", "--mode", "",
            new Kind.Choice(List.of("tmpfs", "device")),
            "Where writes go. Set in the config file it protects every boot by itself (for boot loaders other than GRUB);"
                    + " left empty, only a kernel parameter (aufs=... or overlayboot=...) switches protection on.",
            false);
    public static final Setting SIZE = new Setting("size", "--size", "50%", new Kind.Size(),
            "Size cap of the tmpfs upper layer: N% of RAM or an absolute size like 512M.", true);
    public static final Setting DEV = new Setting("dev", "--dev", "", new Kind.Device(),
            "The device that holds the upper layer in device mode: LABEL=x, UUID=x, PARTUUID=x, PARTLABEL=x or /dev/x.", true);
    public static final Setting TIMEOUT = new Setting("timeout", "--timeout", "10", new Kind.Seconds(),
            "Seconds to wait for the upper device to appear.", true);
    public static final Setting FSTYPE = new Setting("fstype", "--fstype", "auto", new Kind.FsType(),
            "Filesystem type of the upper device; auto asks blkid.", true);
    public static final Setting DIR = new Setting("dir", "--dir", "", new Kind.SubPath(),
            "Directory on the upper device that holds upper/ and work/; empty for its top.", true);
    public static final Setting SWAP = new Setting("swap", "--swap", "0", new Kind.Flag(),
            "1 keeps the swap entries of /etc/fstab; 0 drops them so nothing is written to disk through swap.", true);
    public static final Setting RECURSE = new Setting("recurse", "--recurse", "0", new Kind.Flag(),
            "1 also puts the other local filesystems of /etc/fstab under a union with their writes in the upper layer;"
                    + " 0 leaves them mounted as they are (writable).", true);
    public static final Setting DRIVER = new Setting("driver", "--driver", "auto",
            new Kind.Choice(List.of("overlay", "aufs", "auto")),
            "The union filesystem: overlay, aufs (old kernels), or auto (overlay, else aufs).", true);
    public static final Setting ONERROR = new Setting("onerror", "--onerror", "normal",
            new Kind.Choice(List.of("normal", "panic")),
            "When the union cannot be made: normal boots the plain root with a loud warning, panic stops in the initramfs shell.", true);
    public static final Setting FALLBACK = new Setting("fallback", "--fallback", "tmpfs",
            new Kind.Choice(List.of("tmpfs", "none")),
            "When the upper device is missing or cannot be mounted: tmpfs keeps the machine protected with a RAM upper;"
                    + " none treats it like a failed union (see onerror).", true);
    public static final Setting HELPER = new Setting("helper", "--helper", "auto",
            new Kind.Choice(List.of("auto", "native", "jvm", "shell")),
            "Who performs the mounts at boot: the native helper, the jlink'd JVM helper, the shell script, or auto (first present).", true);
    public static final Setting DEBUG = new Setting("debug", "--debug-boot", "0", new Kind.Flag(),
            "1 logs every step of the boot script on the console.", true);
    public static final Setting PERSIST = new Setting("persist", "--persist", "", new Kind.PersistList(),
            "Paths that write through to persistent storage (the root filesystem, or store=) while the rest stays"
                    + " volatile: absolute paths and presets (docs/persist.md). --persist is repeatable.", true);
    public static final Setting STORE = new Setting("store", "--store", "", new Kind.Device(),
            "The device that holds the persisted paths instead of the root filesystem: LABEL=x, UUID=x, PARTUUID=x,"
                    + " PARTLABEL=x or /dev/x; empty writes them to the root filesystem.", true);

    public static final Setting FILL_INTERVAL = new Setting("fill_interval", "--fill-interval", "30", new Kind.Seconds(),
            "Seconds between checks of how full the upper layer is, while / is protected (the overlayboot-fill timer;"
                    + " taken when the files are rendered, not from the kernel command line); 0 turns the checks off.", true);
    public static final Setting FILL_WARN = new Setting("fill_warn", "--fill-warn", "80", new Kind.Percent(),
            "Percent full of the upper layer at which the fill check warns: the journal (warning), the logged-in"
                    + " terminals once per crossing, and a login message while it stays above.", true);
    public static final Setting FILL_CRITICAL = new Setting("fill_critical", "--fill-critical", "95", new Kind.Percent(),
            "Percent full at which the fill check says it at the critical level, once per crossing, and runs fill_action.", true);
    public static final Setting FILL_ACTION = new Setting("fill_action", "--fill-action", "none",
            new Kind.Choice(List.of("none", "reboot", "poweroff", "command")),
            "What to do once when the upper layer crosses fill_critical: nothing, reboot (a kiosk starts clean),"
                    + " power off, or run the executable /etc/overlayboot/fill-critical with the percent as its argument.", true);

    /** Every setting, in documentation order. */
    public static final List<Setting> ALL =
            List.of(MODE, SIZE, DEV, TIMEOUT, FSTYPE, DIR, SWAP, RECURSE, DRIVER, ONERROR, FALLBACK, HELPER, DEBUG,
                    PERSIST, STORE, FILL_INTERVAL, FILL_WARN, FILL_CRITICAL, FILL_ACTION);

    private Settings() {}

    public static Optional<Setting> byName(String name) {
        for (Setting s : ALL) {
            if (s.name().equals(name)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }
}

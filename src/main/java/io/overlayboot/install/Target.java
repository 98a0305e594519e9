package io.overlayboot.install;

import io.overlayboot.core.ExitCode;
import io.overlayboot.core.OverlaybootException;
import io.overlayboot.files.RootedPaths;
import io.overlayboot.install.Manifest.GrubMethod;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The root overlayboot installs into ({@code /} or a mounted image under {@code --root}), and the
 * checks that it can be protected at all: initramfs-tools present, a kernel with overlay or aufs,
 * and no other tool already overlaying it.
 *
 * @param root the target's {@code /}
 * @param live true when {@code root} is the running system's {@code /}
 * @param procMounts the mount table consulted for a live root ({@code /proc/mounts})
 */
public record Target(Path root, boolean live, Path procMounts) {
    static final String BOOT_SCRIPT = "etc/initramfs-tools/scripts/init-bottom/overlayboot";
    static final String DROP_IN = "etc/default/grub.d/overlayboot.cfg";
    static final String DEFAULT_GRUB = "etc/default/grub";

    /** The target at {@code root}; refuses a path that is not an existing directory. */
    public static Target at(Path root) {
        if (!Files.exists(root)) {
            throw OverlaybootException.badInput("--root '" + root + "' does not exist",
                    "mount the image or create the chroot first");
        }
        if (!Files.isDirectory(root)) {
            throw OverlaybootException.badInput("--root '" + root + "' is not a directory",
                    "point --root at the target's top directory");
        }
        Path real;
        try {
            real = root.toRealPath();
        } catch (IOException e) {
            throw OverlaybootException.badInput("--root '" + root + "' cannot be resolved: " + e.getMessage(), null);
        }
        return new Target(real, real.toString().equals("/"), Path.of("/proc/mounts"));
    }

    /**
     * {@code relative} inside the target, through {@link RootedPaths}: a link among its parents that
     * leads out of the root ends the run with ENVIRONMENT, so nothing is read or written outside.
     */
    public Path resolve(String relative) {
        return RootedPaths.resolve(root, relative);
    }

    /** Where to say things happen: {@code /etc/x} on the live system, {@code ROOT/etc/x} otherwise. */
    public String show(String relative) {
        return live ? "/" + relative : root.resolve(relative).toString();
    }

    /** Refuses a target overlayboot cannot protect. {@code force} overrides the "already overlaid" checks. */
    void check(boolean force, boolean installedByUs) {
        InitrdGenerator.detect(this);
        checkKernel();
        checkNotLiveOverlay();
        if (force) {
            return;
        }
        List<String> others = otherTools();
        if (!others.isEmpty()) {
            throw OverlaybootException.environment(show("") + " is already overlaid by " + String.join(" and ", others),
                    "remove or switch off the other tool first; two union mounts on one root fight each other"
                            + " (or pass --force if you know it is idle)");
        }
        if (!installedByUs && Files.exists(resolve(BOOT_SCRIPT))) {
            throw OverlaybootException.environment("overlayboot's boot script " + show(BOOT_SCRIPT)
                    + " is present but was not installed by 'overlayboot install' (no " + Manifest.PATH + ")",
                    "remove it, or pass --force to back it up and replace it");
        }
    }

    /** Refuses a running root that is an overlay: what is written now would vanish at reboot. */
    void checkNotLiveOverlay() {
        if (live) {
            liveOverlay().ifPresent(line -> {
                throw OverlaybootException.environment("The running root is already an overlay ('" + line
                        + "'): changes made now land in its upper layer and vanish at reboot", liveLower()
                                ? "make the change on the lower layer: 'overlayboot maintenance -- overlayboot COMMAND ...' (to"
                                        + " remove the package: 'overlayboot maintenance -- apt-get remove overlayboot'), or boot once"
                                        + " with overlayboot=disabled and run it then"
                                : "boot once with overlayboot=disabled (or without overlayroot/lockfs), then run this again");
            });
        }
    }

    private void checkKernel() {
        Path modules = resolve("lib/modules");
        List<String> versions = new ArrayList<>();
        if (Files.isDirectory(modules)) {
            try (Stream<Path> s = Files.list(modules)) {
                s.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted().forEach(versions::add);
            } catch (IOException e) {
                throw OverlaybootException.environment("Cannot list " + show("lib/modules") + ": " + e.getMessage(), null);
            }
        }
        if (versions.isEmpty()) {
            throw OverlaybootException.environment(show("lib/modules") + " holds no kernel: overlayboot needs a kernel"
                    + " with overlay or aufs", "install a kernel package (linux-image-amd64) in the target");
        }
        if (versions.stream().noneMatch(this::kernelHasUnion)) {
            throw OverlaybootException.environment("No kernel in " + show("lib/modules") + " (" + String.join(", ", versions)
                    + ") has overlay or aufs: neither fs/overlayfs/overlay.ko nor a built-in overlay",
                    "install a kernel built with CONFIG_OVERLAY_FS (Debian's linux-image-* has it)");
        }
    }

    /** True when kernel {@code version} has the overlay or aufs filesystem, as a module or built in. */
    boolean kernelHasUnion(String version) {
        Path dir = resolve("lib/modules").resolve(version);
        for (String fs : new String[] {"overlayfs/overlay.ko", "aufs/aufs.ko"}) {
            Path parent = dir.resolve("kernel/fs").resolve(fs).getParent();
            String name = Path.of(fs).getFileName().toString();
            try (Stream<Path> s = Files.isDirectory(parent) ? Files.list(parent) : Stream.empty()) {
                if (s.anyMatch(p -> p.getFileName().toString().startsWith(name))) {
                    return true;
                }
            } catch (IOException e) {
                // unreadable: treat as absent
            }
            try {
                Path builtin = dir.resolve("modules.builtin");
                if (Files.exists(builtin) && Files.readAllLines(builtin).stream().anyMatch(l -> l.endsWith("fs/" + fs))) {
                    return true;
                }
            } catch (IOException e) {
                // unreadable: treat as absent
            }
        }
        return false;
    }

    /** The other root-overlaying tools found in the target, each with the evidence. */
    List<String> otherTools() {
        List<String> found = new ArrayList<>();
        overlayrootSetting().ifPresent(v -> found.add("overlayroot (" + show("etc/overlayroot.conf") + " sets overlayroot=\"" + v + "\")"));
        for (String p : new String[] {"usr/share/initramfs-tools/scripts/init-bottom/bilibop-lockfs", "etc/bilibop"}) {
            if (Files.exists(resolve(p))) {
                found.add("bilibop-lockfs (" + show(p) + ")");
                break;
            }
        }
        return found;
    }

    /**
     * The value of {@code overlayroot=} in {@code etc/overlayroot.conf} when it switches overlayroot
     * on. The package alone (its init-bottom script with the shipped empty setting) does nothing at
     * boot unless the kernel command line asks, so it is not counted.
     */
    Optional<String> overlayrootSetting() {
        Path conf = resolve("etc/overlayroot.conf");
        if (!Files.exists(conf)) {
            return Optional.empty();
        }
        String value = "";
        try {
            for (String line : Files.readAllLines(conf, StandardCharsets.UTF_8)) {
                String l = line.strip();
                if (l.startsWith("overlayroot=")) {
                    value = l.substring("overlayroot=".length()).replaceAll("^[\"']|[\"']$", "");
                }
            }
        } catch (IOException e) {
            return Optional.of("(unreadable)");
        }
        return value.isEmpty() || value.equals("disabled") ? Optional.empty() : Optional.of(value);
    }

    /** True when the package overlayroot is present, even if idle. */
    boolean overlayrootInstalled() {
        return Files.exists(resolve("usr/share/initramfs-tools/scripts/init-bottom/overlayroot"));
    }

    /** Whether the live mount table has overlayboot's lower layer at {@code /ro}, which {@code maintenance} works on. */
    private boolean liveLower() {
        try {
            return Files.readAllLines(procMounts).stream().map(l -> l.split(" ")).anyMatch(f -> f.length > 2 && f[1].equals("/ro"));
        } catch (IOException e) {
            return false;
        }
    }

    /** The line of the live mount table that shows {@code /} as an overlay or aufs, if any. */
    Optional<String> liveOverlay() {
        try {
            for (String line : Files.readAllLines(procMounts)) {
                String[] f = line.split(" ");
                if (f.length > 2 && f[1].equals("/") && (f[2].equals("overlay") || f[2].equals("aufs"))) {
                    return Optional.of(line.strip());
                }
            }
        } catch (IOException e) {
            // no mount table: not a live Linux root
        }
        return Optional.empty();
    }

    /** How this target's GRUB can be given the kernel parameter. */
    GrubMethod grubMethod() {
        Path mkconfig = Stream.of("usr/sbin/grub-mkconfig", "sbin/grub-mkconfig").map(this::resolve)
                .filter(Files::exists).findFirst().orElse(null);
        boolean defaultGrub = Files.exists(resolve(DEFAULT_GRUB));
        if (mkconfig == null && !defaultGrub) {
            return GrubMethod.NONE;
        }
        if (mkconfig != null && contains(mkconfig, "default/grub.d/")) {
            return GrubMethod.DROP_IN;
        }
        if (defaultGrub && contains(resolve(DEFAULT_GRUB), "/etc/default/grub.d/")) {
            return GrubMethod.DROP_IN;
        }
        return GrubMethod.EDIT;
    }

    /** The command that regenerates grub.cfg inside the target. */
    List<String> grubCommand() {
        return Files.exists(resolve("usr/sbin/update-grub")) ? GrubUpdate.UPDATE_GRUB : GrubUpdate.MKCONFIG;
    }

    private static boolean contains(Path file, String text) {
        try {
            return new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1).contains(text);
        } catch (IOException e) {
            return false;
        }
    }
}

package io.overlayboot.install;

import io.overlayboot.core.OverlaybootException;
import io.overlayboot.render.Generator;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.stream.Stream;

/**
 * Which initramfs generator builds a target's initrds, and the commands that rebuild them:
 * initramfs-tools ({@code update-initramfs}) or dracut. The kernel packages' own hook
 * ({@code /etc/kernel/postinst.d/...}) decides when both are present; a target with neither is
 * refused.
 */
public final class InitrdGenerator {
    private InitrdGenerator() {}

    /**
     * The commands that rebuild every initrd of the root at {@code root}, as they are typed inside
     * it (for {@code overlayboot upgrade}, which runs them chrooted there); refuses a root with
     * neither generator.
     */
    public static List<List<String>> rebuildCommands(java.nio.file.Path root) {
        Target target = Target.at(root);
        return rebuild(target, detect(target));
    }

    /** The generator of {@code target}; refuses one with neither, naming both. */
    static Generator detect(Target target) {
        boolean initramfsTools = Files.isDirectory(target.resolve("etc/initramfs-tools"))
                && hasTool(target, "update-initramfs");
        boolean dracut = Files.isDirectory(target.resolve("usr/lib/dracut/modules.d")) && hasTool(target, "dracut");
        if (initramfsTools && dracut) {
            boolean dracutHook = Files.exists(target.resolve("etc/kernel/postinst.d/dracut"));
            boolean toolsHook = Files.exists(target.resolve("etc/kernel/postinst.d/initramfs-tools"));
            return dracutHook && !toolsHook ? Generator.DRACUT : Generator.INITRAMFS_TOOLS;
        }
        if (initramfsTools) {
            return Generator.INITRAMFS_TOOLS;
        }
        if (dracut) {
            return Generator.DRACUT;
        }
        throw OverlaybootException.environment(target.show("") + " has neither initramfs-tools (etc/initramfs-tools and"
                + " update-initramfs) nor dracut (usr/lib/dracut/modules.d and dracut): overlayboot needs one to build the initrd",
                "install initramfs-tools or dracut in the target, or point --root at a Debian, Ubuntu or other dracut-based root");
    }

    /** The commands that rebuild every kernel's initrd, as the user would type them in the target. */
    static List<List<String>> rebuild(Target target, Generator generator) {
        return switch (generator) {
            case INITRAMFS_TOOLS -> List.of(List.of("update-initramfs", "-u", "-k", "all"));
            // As the kernel's postinst does it: one image per kernel, at Debian's name for it.
            case DRACUT -> kernels(target).stream()
                    .map(v -> List.of("dracut", "--force", "/boot/initrd.img-" + v, v)).toList();
        };
    }

    /** The paths (relative to the target) whose change means the initrds must be rebuilt. */
    static boolean affectsInitrd(String path) {
        return path.startsWith("etc/initramfs-tools/") || path.startsWith("etc/dracut.conf.d/overlayboot")
                || path.startsWith("usr/lib/dracut/modules.d/") || path.equals("etc/overlayboot.conf");
    }

    /** Kernels with both modules and an image in /boot, newest name last. */
    private static List<String> kernels(Target target) {
        try (Stream<java.nio.file.Path> s = Files.isDirectory(target.resolve("lib/modules"))
                ? Files.list(target.resolve("lib/modules")) : Stream.empty()) {
            return s.map(p -> p.getFileName().toString())
                    .filter(v -> Files.exists(target.resolve("boot/vmlinuz-" + v))).sorted().toList();
        } catch (IOException e) {
            throw OverlaybootException.environment("Cannot list " + target.show("lib/modules") + ": " + e.getMessage(), null);
        }
    }

    private static boolean hasTool(Target target, String name) {
        for (String dir : new String[] {"usr/sbin", "usr/bin", "sbin", "bin"}) {
            if (Files.isExecutable(target.resolve(dir).resolve(name))) {
                return true;
            }
        }
        return false;
    }
}

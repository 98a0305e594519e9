package io.overlayboot.vm;

import io.overlayboot.core.OverlaybootException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Checks that the host has the programs the VM harness runs, naming the Debian packages to install. */
public final class HostTools {
    static final String INSTALL_HINT =
            "apt-get install qemu-system-x86 mmdebstrap e2fsprogs busybox-static util-linux";

    /** Program on PATH, then the Debian package that provides it. */
    private static final Map<String, String> NEEDED = new LinkedHashMap<>();

    static {
        NEEDED.put("qemu-system-x86_64", "qemu-system-x86");
        NEEDED.put("mmdebstrap", "mmdebstrap");
        NEEDED.put("mke2fs", "e2fsprogs");
        NEEDED.put("e2fsck", "e2fsprogs");
        NEEDED.put("debugfs", "e2fsprogs");
        NEEDED.put("unshare", "util-linux");
        NEEDED.put("flock", "util-linux");
        NEEDED.put("timeout", "coreutils");
    }

    private HostTools() {}

    /** Throws an ENVIRONMENT error naming every missing program and its package, or returns. */
    public static void require() {
        check(searchPath(), staticBusybox() != null);
        if (!"0".equals(uid())) {
            throw OverlaybootException.environment("cannot build or boot a test VM as a non-root user: mmdebstrap,"
                    + " chroot and mount need root", "run it with sudo");
        }
    }

    /** Throws naming the programs missing from {@code dirs} and the packages that bring them. */
    static void check(List<Path> dirs, boolean haveStaticBusybox) {
        List<String> missing = new ArrayList<>();
        List<String> packages = new ArrayList<>();
        NEEDED.forEach((program, pkg) -> {
            if (find(dirs, program) == null) {
                missing.add(program);
                if (!packages.contains(pkg)) {
                    packages.add(pkg);
                }
            }
        });
        if (!haveStaticBusybox) {
            missing.add("a static busybox");
            packages.add("busybox-static");
        }
        if (!missing.isEmpty()) {
            throw OverlaybootException.environment("cannot build or boot a test VM: " + String.join(", ", missing)
                    + " not found", "apt-get install " + String.join(" ", packages));
        }
    }

    /** The static busybox that goes into guest images: Debian's busybox-static puts it at /bin/busybox. */
    static Path staticBusybox() {
        for (String candidate : List.of("/usr/bin/busybox", "/bin/busybox")) {
            Path p = Path.of(candidate);
            if (Files.isExecutable(p) && isStatic(p)) {
                return p;
            }
        }
        return null;
    }

    private static boolean isStatic(Path elf) {
        // A dynamically linked ELF has a PT_INTERP program header naming its loader.
        try {
            byte[] head = Files.readAllBytes(elf);
            String text = new String(head, 0, Math.min(head.length, 4096), StandardCharsets.ISO_8859_1);
            return !text.contains("/lib64/ld-linux") && !text.contains("/lib/ld-linux");
        } catch (IOException e) {
            return false;
        }
    }

    /** $PATH, then the sbin directories a non-login root shell may lack. */
    static List<Path> searchPath() {
        List<Path> dirs = new ArrayList<>();
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            dirs.add(Path.of(dir.isEmpty() ? "." : dir));
        }
        dirs.add(Path.of("/usr/sbin"));
        dirs.add(Path.of("/sbin"));
        return dirs;
    }

    private static Path find(List<Path> dirs, String program) {
        return dirs.stream().map(d -> d.resolve(program)).filter(Files::isExecutable).findFirst().orElse(null);
    }

    private static String uid() {
        try {
            return String.valueOf(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
        } catch (Exception e) {
            return "?";
        }
    }
}

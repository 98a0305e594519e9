package io.overlayboot.sandbox;

import io.overlayboot.files.Digests;
import io.overlayboot.core.ExitCode;
import io.overlayboot.core.OverlaybootException;
import io.overlayboot.render.RenderRequest;
import io.overlayboot.render.RenderedFile;
import io.overlayboot.render.Renderer;
import io.overlayboot.settings.BootParameters;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Shows protection working without touching the machine: renders the boot script, runs it in the
 * {@link Sandbox} over a read-only root image, writes into the "booted" root, and reports where the
 * write went and that the image did not change.
 */
public final class Demo {
    /** Files the sandbox needs, and the Debian package each comes from. */
    private static final Map<String, String> NEEDS = Map.of(
            "/bin/busybox", "busybox-static (or busybox)",
            "/usr/share/initramfs-tools/scripts/functions", "initramfs-tools-core",
            "/sbin/mke2fs", "e2fsprogs",
            "/usr/sbin/debugfs", "e2fsprogs",
            "/usr/bin/unshare", "util-linux",
            "/sbin/blkid", "util-linux");

    private Demo() {}

    /** Checks root and the tools; throws with the packages to install when something is missing. */
    public static void checkEnvironment() {
        List<String> missing = new ArrayList<>();
        NEEDS.forEach((file, pkg) -> {
            if (!Files.exists(Path.of(file)) && !missing.contains(pkg)) {
                missing.add(pkg);
            }
        });
        if (!missing.isEmpty()) {
            throw new OverlaybootException(ExitCode.ENVIRONMENT, "The demo needs tools that are not installed: "
                    + String.join(", ", missing), "sudo apt-get install " + String.join(" ", missing).replace(" (or busybox)", ""));
        }
        if (!"root".equals(System.getProperty("user.name"))) {
            throw new OverlaybootException(ExitCode.ENVIRONMENT, "The demo mounts inside a private namespace and needs root",
                    "run it with sudo");
        }
    }

    /**
     * The kernel command line a machine with {@code request} installed boots with: the root, and
     * the parameter the GRUB drop-in adds when there is one.
     */
    public static String defaultCmdline(RenderRequest request) {
        return request.grub() ? "root=/dev/vda ro " + request.kernelParameter() : "root=/dev/vda ro";
    }

    /**
     * Runs the demo for {@code request} with {@code cmdline}; prints the story to {@code out}. The
     * initramfs holds what {@code render} writes for the request: the boot script, the library it sources and its config file.
     */
    public static Sandbox.Result run(RenderRequest request, String cmdline, Path work, PrintWriter out) {
        checkEnvironment();
        List<RenderedFile> files = new Renderer().render(request);
        String script = rendered(files, "etc/initramfs-tools/scripts/init-bottom/overlayboot");
        String library = rendered(files, Renderer.LIBRARY);
        String config = rendered(files, "etc/overlayboot.conf");
        out.println("1. Rendered the boot script and " + BootParameters.CONFIG_PATH + "; the kernel command line is: " + cmdline);
        out.println("2. Running it as initramfs-tools would, in a private mount namespace, over a read-only ext4 root image...");
        Sandbox.Spec spec = Sandbox.spec(script, library, cmdline).config(config).probe("""
                echo "a change made after boot" > /root/etc/motd
                echo "motd: $(cat /root/etc/motd)"
                if [ -e /root/rw/upper/etc/motd ]; then echo "upper: $(cat /root/rw/upper/etc/motd)"; fi
                echo "lower: $(cat /root/ro/etc/motd 2>/dev/null || echo '(not mounted at /ro)')"
                """).build();
        Sandbox.Result r = Sandbox.run(spec, work);
        r.boot().output().lines().forEach(l -> out.println("   console| " + l));
        out.println("3. The booted system sees:");
        r.mountAt("/root").ifPresent(m -> out.println("   /    " + m.type() + " (" + m.source() + ")"));
        r.mountAt("/root/ro").ifPresent(m -> out.println("   /ro  " + m.type() + " " + m.options().split(",")[0] + " (the disk)"));
        r.mountAt("/root/rw").ifPresent(m -> out.println("   /rw  " + m.type() + " (where writes go)"));
        r.probe().lines().forEach(l -> out.println("   " + l));
        try {
            boolean same = Digests.sha256Hex(work.resolve("root.img")).equals(r.rootImageSha256());
            boolean union = r.mountAt("/root").map(m -> m.type().equals("overlay")).orElse(false);
            if (!same) {
                out.println("4. The root image CHANGED: writes reached the disk.");
            } else if (union) {
                out.println("4. The root image after the run is byte-identical to before: nothing reached the disk.");
            } else {
                out.println("4. The root was NOT protected: the write failed only because this sandbox mounts the image"
                        + " read-only; on a real machine, whose root is remounted read-write, it would reach the disk.");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        out.println("   Outcome recorded in /run/overlayboot/state: status=" + r.state().getOrDefault("status", "(none)"));
        return r;
    }

    private static String rendered(List<RenderedFile> files, String path) {
        return files.stream().filter(f -> f.path().equals(path)).map(RenderedFile::text).findFirst()
                .orElseThrow(() -> new IllegalStateException("render wrote no " + path));
    }
}

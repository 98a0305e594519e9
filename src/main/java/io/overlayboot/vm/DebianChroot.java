package io.overlayboot.vm;

import io.overlayboot.core.ExitCode;
import io.overlayboot.core.OverlaybootException;
import io.overlayboot.sys.Exec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * A cached Debian chroot built by {@code e2e/build-chroot.sh} (by default bookworm; see
 * {@link Distro}): Debian's real kernel, initramfs generator and GRUB, never modified in place.
 * {@link #run} works on an overlay copy of it.
 */
public final class DebianChroot {
    /** Default cache root; {@code OVERLAYBOOT_CACHE} overrides it (the scripts read the same variable). */
    public static final Path DEFAULT_CACHE = Path.of("/var/cache/overlayboot");

    private final Path cache;
    private final Path root;
    private final Path scripts;
    private final Distro distro;

    private DebianChroot(Path cache, Path root, Path scripts, Distro distro) {
        this.cache = cache;
        this.root = root;
        this.scripts = scripts;
        this.distro = distro;
    }

    public static Path cacheDir() {
        String env = System.getenv("OVERLAYBOOT_CACHE");
        return env == null || env.isBlank() ? DEFAULT_CACHE : Path.of(env);
    }

    /** Builds the bookworm chroot unless a complete one is cached; the build's lines go to {@code progress}. */
    public static DebianChroot ensure(Consumer<String> progress) {
        return ensure(Distro.BOOKWORM, progress);
    }

    /** Builds the chroot of {@code distro} unless a complete one is cached. */
    public static DebianChroot ensure(Distro distro, Consumer<String> progress) {
        HostTools.require();
        Path cache = cacheDir();
        Path scripts = E2eScripts.extract(cache);
        Path root = cache.resolve(distro.directory());
        if (!Files.exists(root.resolve(".complete"))) {
            progress.accept("building the cached Debian chroot in " + root + " (first time only, 1-3 minutes)");
            Exec.stream(List.of("bash", scripts.resolve("build-chroot.sh").toString(), distro.argument()), Duration.ofMinutes(30),
                    line -> {
                        if (line.startsWith("build-chroot:") || line.startsWith("I: ")) {
                            progress.accept(line);
                        }
                    }).check();
        }
        return new DebianChroot(cache, root, scripts, distro);
    }

    public Path root() {
        return root;
    }

    public Distro distro() {
        return distro;
    }

    Path cache() {
        return cache;
    }

    Path scripts() {
        return scripts;
    }

    /** When the chroot was built: part of every cache key derived from it. */
    String stamp() {
        return read(".complete");
    }

    /** The version of the kernel installed in the chroot, e.g. {@code 6.1.0-50-amd64}. */
    public String kernelVersion() {
        return read("usr/share/overlayboot-e2e/kernel-version");
    }

    /** The version a kernel upgrade installs, or empty when the mirror held only one. */
    public String upgradeKernelVersion() {
        return read("usr/share/overlayboot-e2e/upgrade-kernel-version");
    }

    /**
     * Runs {@code sh -c command} inside an overlay copy of the chroot whose upper layer is
     * {@code work/upper}: files already there are seen as installed, and what the command changes
     * lands there.
     */
    public List<String> run(Path work, String command, Consumer<String> eachLine) {
        return chrootRun(List.of(), work, command, eachLine);
    }

    /**
     * Runs {@code sh -c command} on the host while the overlay copy (upper layer {@code work/upper})
     * is mounted, with its {@code /proc} and {@code /dev}, at {@code $OVERLAYBOOT_TARGET}: for tools
     * that act on a target root from outside, like {@code overlayboot install --root}.
     */
    public List<String> runOnHost(Path work, String command, Consumer<String> eachLine) {
        return chrootRun(List.of("--host"), work, command, eachLine);
    }

    private List<String> chrootRun(List<String> flags, Path work, String command, Consumer<String> eachLine) {
        List<String> cmd = new ArrayList<>(List.of("bash", scripts.resolve("chroot-run.sh").toString()));
        cmd.addAll(flags);
        cmd.addAll(List.of("--chroot", distro.directory()));
        cmd.addAll(List.of(work.toString(), "sh", "-ec", command));
        return Exec.stream(cmd, Duration.ofMinutes(20), eachLine).check().lines();
    }

    private String read(String relative) {
        try {
            return Files.readString(root.resolve(relative)).strip();
        } catch (IOException e) {
            throw new OverlaybootException(ExitCode.ENVIRONMENT, "the cached chroot " + root + " is incomplete: "
                    + relative + " is unreadable (" + e.getMessage() + ")", "rebuild it with e2e/build-chroot.sh --rebuild");
        }
    }
}

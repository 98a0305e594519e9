package io.overlayboot.vm;

import io.overlayboot.files.Trees;
import io.overlayboot.core.ExitCode;
import io.overlayboot.core.OverlaybootException;
import io.overlayboot.render.RenderRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * {@code overlayboot try}: boots a throwaway Debian VM three times with the user's options and
 * shows that a write vanishes at reboot, and that the same write survives with
 * {@code overlayboot=disabled}. The VM is the boot-test harness: Debian's kernel and
 * update-initramfs from the cached chroot, a tiny root disk, QEMU under TCG.
 */
public final class TryRun {
    /** The file the guest writes. */
    public static final String FILE = "overlayboot-try";

    /** One boot: what it was asked, the kernel parameters, and what the guest reported. */
    public record Boot(String purpose, List<String> parameters, BootResult result) {}

    /**
     * The verdict: whether the protected boot's write was gone after the reboot, and whether a
     * write made with {@code overlayboot=disabled} was still there on the next boot.
     */
    public record Outcome(String kernelParameter, boolean vanished, boolean survivedDisabled, List<Boot> boots) {
        public boolean asPromised() {
            return vanished && survivedDisabled;
        }
    }

    private TryRun() {}

    /**
     * Runs the three boots. {@code progress} gets one line per stage; {@code console} every serial
     * console line (pass a no-op to keep it quiet).
     */
    public static Outcome run(RenderRequest request, Consumer<String> progress, Consumer<String> console) {
        DebianChroot chroot = DebianChroot.ensure(progress);
        InitrdCache cache = new InitrdCache(chroot);
        // From the jar, overlayboot goes in as a user puts it in: install --root. From a class
        // directory (an IDE), the rendered files are laid in instead.
        InitrdCache.BootFiles boot = ownJar()
                .map(jar -> cache.installed(jar, installOptions(request), progress))
                .orElseGet(() -> cache.standard(TargetLayout.rendered(request), progress));
        String parameter = request.grub() ? request.kernelParameter() : "";
        try {
            Path dir = Files.createTempDirectory("overlayboot-try-");
            try {
                List<Path> disks = new ArrayList<>();
                progress.accept("making the VM's root disk");
                disks.add(GuestDisk.root(dir.resolve("root.img")));
                upperDisk(parameter, dir).ifPresent(disks::add);
                List<Boot> boots = new ArrayList<>();
                List<String> protectedBoot = parameter.isEmpty() ? List.of() : List.of(parameter);
                boots.add(boot(boot, disks, "boot 1/3: your options, the guest writes /" + FILE,
                        plus(protectedBoot, "obt.write=" + FILE), progress, console));
                boots.add(boot(boot, disks, "boot 2/3: overlayboot=disabled, is /" + FILE + " still there? then write it",
                        List.of("overlayboot=disabled", "obt.check=" + FILE, "obt.write=" + FILE), progress, console));
                boots.add(boot(boot, disks, "boot 3/3: your options again, is the write of boot 2 there?",
                        plus(protectedBoot, "obt.check=" + FILE), progress, console));
                boolean vanished = boots.get(1).result().marker("check.exists").orElse("").equals("0");
                boolean survived = boots.get(2).result().marker("check.exists").orElse("").equals("1");
                return new Outcome(parameter, vanished, survived, List.copyOf(boots));
            } finally {
                Trees.delete(dir);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Boot boot(InitrdCache.BootFiles files, List<Path> disks, String purpose, List<String> parameters,
            Consumer<String> progress, Consumer<String> console) {
        progress.accept(purpose + " (" + String.join(" ", parameters) + ")");
        BootResult result = Qemu.boot(new VmSpec(files, parameters, disks, VmSpec.DEFAULT_MEMORY_MB, VmSpec.DEFAULT_LIMIT), console);
        if (result.timedOut() || result.marker("end").isEmpty()) {
            throw new OverlaybootException(ExitCode.EXTERNAL_FAILURE,
                    "the try VM did not finish " + purpose + (result.timedOut() ? " (time limit hit)" : "")
                            + "; its console ended with: " + String.join(" | ", tail(result.console(), 5)),
                    "run again with --console to see the whole boot");
        }
        return new Boot(purpose, parameters, result);
    }

    /** A blank disk the upper device spec names, for device mode: LABEL=x and UUID=x are made to match. */
    private static Optional<Path> upperDisk(String parameter, Path dir) {
        if (!parameter.startsWith("aufs=") || parameter.equals("aufs=tmpfs")) {
            return Optional.empty();
        }
        String dev = parameter.substring("aufs=".length());
        Path image = dir.resolve("upper.img");
        if (dev.startsWith("LABEL=")) {
            return Optional.of(GuestDisk.blank(image, dev.substring("LABEL=".length()), 64));
        }
        if (dev.equals("/dev/vdb")) {
            return Optional.of(GuestDisk.blank(image, "upper", 64));
        }
        throw OverlaybootException.badInput("try cannot make a disk that matches --dev '" + dev + "'",
                "use --dev LABEL=NAME (or /dev/vdb) for the try VM");
    }

    /** The install options that ask for {@code request} (GRUB is left out: the VM boots without it). */
    static List<String> installOptions(RenderRequest request) {
        List<String> options = new ArrayList<>();
        request.chosen().forEach((setting, value) -> {
            options.add(setting.cliFlag());
            options.add(value);
        });
        request.sysctl().forEach(s -> options.add("--sysctl=" + s.key() + "=" + s.value()));
        return List.copyOf(options);
    }

    private static Optional<Path> ownJar() {
        CodeSource source = TryRun.class.getProtectionDomain().getCodeSource();
        if (source == null || source.getLocation() == null) {
            return Optional.empty();
        }
        try {
            Path p = Path.of(source.getLocation().toURI());
            return Files.isRegularFile(p) && p.toString().endsWith(".jar") ? Optional.of(p) : Optional.empty();
        } catch (URISyntaxException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static List<String> plus(List<String> list, String more) {
        List<String> all = new ArrayList<>(list);
        all.add(more);
        return List.copyOf(all);
    }

    private static List<String> tail(List<String> lines, int n) {
        return lines.subList(Math.max(0, lines.size() - n), lines.size());
    }
}

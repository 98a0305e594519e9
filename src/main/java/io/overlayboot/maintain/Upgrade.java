package io.overlayboot.maintain;

import io.overlayboot.core.ExitCode;
import io.overlayboot.core.OverlaybootException;
import io.overlayboot.guard.KernelVersions;
import io.overlayboot.guard.NextBoot;
import io.overlayboot.guard.NextBootCheck;
import io.overlayboot.install.GrubUpdate;
import io.overlayboot.install.InitrdGenerator;
import io.overlayboot.sys.Exec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * {@code overlayboot upgrade}: in a maintenance {@link Session}, {@code apt-get update}, a
 * non-interactive {@code apt-get upgrade} (or {@code dist-upgrade}), the initrd generator and
 * {@code update-grub}, all chrooted into the lower layer, then the next-boot check on the lower;
 * and whether a reboot is needed to run what was installed. The running RAM layer is not touched.
 */
public final class Upgrade {
    /** apt on a slow mirror and an initrd per kernel take long; past this a step is stuck. */
    static final Duration LIMIT = Duration.ofHours(2);
    /** apt and dpkg asking nothing: keep changed conffiles, no debconf or listchanges prompts. */
    static final Map<String, String> NONINTERACTIVE = Map.of("DEBIAN_FRONTEND", "noninteractive",
            "APT_LISTCHANGES_FRONTEND", "none", "LC_ALL", "C.UTF-8");

    /**
     * What to run.
     *
     * @param distUpgrade {@code dist-upgrade} instead of {@code upgrade} (may install and remove packages)
     * @param aptOptions {@code KEY=VALUE} options for apt, each passed as {@code -o KEY=VALUE}
     */
    public record Options(boolean distUpgrade, List<String> aptOptions) {
        public Options {
            aptOptions = List.copyOf(aptOptions);
            for (String o : aptOptions) {
                if (!o.matches("[A-Za-z0-9_:-]+(::[A-Za-z0-9_-]+)*=.*")) {
                    throw new OverlaybootException(ExitCode.USAGE, "--apt-option '" + o + "' is not an apt option KEY=VALUE",
                            "for example --apt-option Acquire::Retries=3 (passed to apt-get as -o Acquire::Retries=3)");
                }
            }
        }
    }

    /**
     * What came of it.
     *
     * @param nextBoot the next-boot check of the lower, after the upgrade
     * @param rebootReasons why a reboot is needed to run the new software; empty when it is not
     */
    public record Outcome(NextBoot nextBoot, List<String> rebootReasons) {
        public Outcome {
            rebootReasons = List.copyOf(rebootReasons);
        }
    }

    /** What became of a needed reboot ({@code upgrade --reboot-if-needed}, run by the maintenance window). */
    public enum Reboot {
        /** No reboot is needed. */
        NOT_NEEDED,
        /** One is needed, but {@code --reboot-if-needed} was not given. */
        NOT_ASKED,
        /** {@code shutdown -r} was called: the machine reboots after the warning time. */
        SCHEDULED,
        /** One is needed but the next boot would not protect (or cannot be told): not rebooting into that. */
        WITHHELD;

        /** The name in {@code --json} output ({@code not-needed}, {@code not-asked}, {@code scheduled}, {@code withheld}). */
        public String jsonName() {
            return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        }
    }

    private Upgrade() {}

    /** Whether to reboot after {@code outcome}: only when needed, asked for, and the next boot protects. */
    static Reboot decide(Outcome outcome, boolean asked) {
        if (outcome.rebootReasons().isEmpty()) {
            return Reboot.NOT_NEEDED;
        }
        if (!asked) {
            return Reboot.NOT_ASKED;
        }
        return outcome.nextBoot().outcome() == io.overlayboot.guard.Outcome.PROTECTED ? Reboot.SCHEDULED : Reboot.WITHHELD;
    }

    /**
     * Reboots the running system named by {@code layout} (its own {@code shutdown}, through
     * {@code chroot} when it is not {@code /}) in {@code minutes} when {@link #decide} says so:
     * {@code shutdown -r +MINUTES MESSAGE}, which warns logged-in users with wall at once and
     * again as the time nears, and which {@code shutdown -c} cancels. 0: at once. Returns what was done.
     */
    public static Reboot rebootIfNeeded(Layout layout, Outcome outcome, Integer minutes, Consumer<String> progress) {
        Reboot decision = decide(outcome, minutes != null);
        if (decision == Reboot.WITHHELD) {
            progress.accept("a reboot is needed, but NOT rebooting: the next boot would not be protected (see above);"
                    + " fix it, then reboot");
        }
        if (decision != Reboot.SCHEDULED) {
            return decision;
        }
        String message = "overlayboot: updates were installed (" + String.join("; ", outcome.rebootReasons())
                + "); rebooting to run them" + (minutes == 0 ? "" : " in " + minutes + " min; save your work (root can cancel: shutdown -c)");
        List<String> argv = new ArrayList<>();
        if (layout.root().getNameCount() > 0) {
            argv.addAll(List.of("chroot", layout.root().toString()));
        }
        argv.addAll(List.of("shutdown", "-r", minutes == 0 ? "now" : "+" + minutes, message));
        progress.accept("rebooting " + (minutes == 0 ? "now" : "in " + minutes + " min") + ": " + String.join(", ", outcome.rebootReasons()));
        Exec.Result r = Exec.command(argv, Duration.ofMinutes(1)).env(Session.ENV).run();
        if (!r.ok()) {
            throw new OverlaybootException(ExitCode.EXTERNAL_FAILURE, "'shutdown -r' failed with exit code " + r.exitCode() + ": "
                    + (r.stderr() + r.stdout()).strip().replace('\n', ' '), "the updates are in place; reboot by hand");
        }
        return decision;
    }

    /** The commands, in order, as typed inside the lower. */
    static List<List<String>> commands(Path lower, Options options) {
        List<String> aptO = options.aptOptions().stream().flatMap(o -> Stream.of("-o", o)).toList();
        List<List<String>> commands = new ArrayList<>();
        commands.add(concat(List.of("apt-get"), aptO, List.of("update")));
        commands.add(concat(List.of("apt-get", "-y", "-o", "Dpkg::Options::=--force-confold"), aptO,
                List.of(options.distUpgrade() ? "dist-upgrade" : "upgrade")));
        commands.addAll(InitrdGenerator.rebuildCommands(lower));
        grubCommand(lower).ifPresent(commands::add);
        return commands;
    }

    /**
     * What regenerates the lower's GRUB menu: {@code update-grub}, or, where only grub-common is
     * installed but a menu exists, what {@code update-grub} runs ({@code grub-mkconfig -o
     * /boot/grub/grub.cfg}, as {@code install} and {@code enable} do); nothing on a machine without
     * a GRUB menu.
     */
    static Optional<List<String>> grubCommand(Path lower) {
        if (Files.isExecutable(lower.resolve("usr/sbin/update-grub"))) {
            return Optional.of(GrubUpdate.UPDATE_GRUB);
        }
        if (Files.isExecutable(lower.resolve("usr/sbin/grub-mkconfig")) && Files.isRegularFile(lower.resolve("boot/grub/grub.cfg"))) {
            return Optional.of(GrubUpdate.MKCONFIG);
        }
        return Optional.empty();
    }

    /**
     * Opens a session, runs {@link #commands}, checks the next boot and closes the session.
     * {@code progress} hears each step, {@code output} each line the commands print; a failing
     * command ends the run ({@link ExitCode#EXTERNAL_FAILURE}) after the session is undone.
     */
    public static Outcome run(Layout layout, Options options, Consumer<String> progress, Consumer<String> output) {
        try (Session session = Session.open(layout, progress)) {
            List<List<String>> commands = commands(layout.lower(), options);
            if (grubCommand(layout.lower()).isEmpty()) {
                progress.accept("no GRUB menu in " + layout.show(layout.lower()) + ": nothing to regenerate");
            }
            for (List<String> command : commands) {
                String shown = String.join(" ", command);
                progress.accept("running inside " + layout.show(layout.lower()) + ": " + shown);
                Exec.Result r = session.run(command, NONINTERACTIVE, LIMIT, output);
                if (session.signal() != null) {
                    throw new OverlaybootException(ExitCode.ABORTED, "Stopped by SIG" + session.signal() + " during '" + shown + "'",
                            "run 'overlayboot upgrade' again; apt continues where it stopped (dpkg --configure -a if it says so)");
                }
                if (!r.ok()) {
                    throw new OverlaybootException(ExitCode.EXTERNAL_FAILURE, "'" + shown + "' inside " + layout.show(layout.lower())
                            + (r.timedOut() ? " took longer than " + LIMIT.toHours() + " hours and was killed"
                                    : " failed with exit code " + r.exitCode()) + " (its output is above)",
                            "fix the cause (look around with 'overlayboot maintenance') and run 'overlayboot upgrade' again");
                }
            }
            progress.accept("checking the next boot of " + layout.show(layout.lower()));
            NextBoot nextBoot = new NextBootCheck(layout.lower()).check();
            return new Outcome(nextBoot, rebootReasons(layout, runningKernel()));
        }
    }

    /** Why the new software needs a reboot to run: the packages' own flag, or a newer kernel than the running one. */
    static List<String> rebootReasons(Layout layout, String running) {
        List<String> reasons = new ArrayList<>();
        Path flag = layout.root().resolve("run/reboot-required");
        if (Files.exists(flag)) {
            String packages = read(layout.root().resolve("run/reboot-required.pkgs")).lines().distinct()
                    .reduce((a, b) -> a + ", " + b).orElse("");
            reasons.add("/run/reboot-required is set" + (packages.isEmpty() ? "" : " (by " + packages + ")"));
        }
        newestKernel(layout.lower()).filter(v -> KernelVersions.key(v).compareTo(KernelVersions.key(running)) > 0)
                .ifPresent(v -> reasons.add("kernel " + v + " is installed; " + running + " is running"));
        return reasons;
    }

    /** The newest kernel with both modules and an image in /boot, by version. */
    static Optional<String> newestKernel(Path root) {
        Path modules = root.resolve("lib/modules");
        if (!Files.isDirectory(modules)) {
            return Optional.empty();
        }
        try (Stream<Path> s = Files.list(modules)) {
            return s.map(p -> p.getFileName().toString())
                    .filter(v -> Files.exists(root.resolve("boot/vmlinuz-" + v)))
                    .max(Comparator.comparing(KernelVersions::key));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static String runningKernel() {
        return read(Path.of("/proc/sys/kernel/osrelease")).strip();
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "";
        }
    }

    private static List<String> concat(List<String> a, List<String> b, List<String> c) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        all.addAll(c);
        return all;
    }
}

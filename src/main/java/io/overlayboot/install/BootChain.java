package io.overlayboot.install;

import io.overlayboot.core.ExitCode;
import io.overlayboot.core.OverlaybootException;
import io.overlayboot.render.Generator;
import io.overlayboot.sys.Exec;
import io.overlayboot.sys.ExecException;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Brings the boot chain up to date after files changed: {@code update-initramfs -u -k all} (or dracut
 * per kernel, see {@link InitrdGenerator}) and the
 * GRUB config. On the live system the commands run directly; under {@code --root} they run through
 * {@code chroot ROOT} when the target has them and its {@code /proc} and {@code /dev} are mounted;
 * otherwise they are only printed, for the admin to run.
 */
final class BootChain {
    /** update-initramfs for every kernel can take minutes on a slow disk; past this it is stuck. */
    private static final Duration LIMIT = Duration.ofMinutes(30);
    private static final Map<String, String> ENV = Map.of(
            "PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "LC_ALL", "C.UTF-8");
    private final Target target;
    private final Log log;

    BootChain(Target target, Log log) {
        this.target = target;
        this.log = log;
    }

    /**
     * The target's commands that rebuild its boot files, as the user would type them inside it: the
     * initrd generator's (one input of every plan) and the GRUB one.
     *
     * @param initrd the commands that rebuild every kernel's initrd
     * @param grub the command that regenerates grub.cfg
     */
    record Tools(List<List<String>> initrd, List<String> grub) {
        Tools {
            initrd = initrd.stream().map(List::copyOf).toList();
            grub = List.copyOf(grub);
        }

        /** The tools of {@code target} whose initrds {@code generator} builds, and {@link Target#grubCommand()}. */
        static Tools of(Target target, Generator generator) {
            return new Tools(InitrdGenerator.rebuild(target, generator), target.grubCommand());
        }

        /** The commands to run: the initrd ones when {@code initramfs}, then the GRUB one when {@code grub}. */
        List<List<String>> commands(boolean initramfs, boolean grub) {
            List<List<String>> commands = new ArrayList<>();
            if (initramfs) {
                commands.addAll(initrd);
            }
            if (grub) {
                commands.add(this.grub);
            }
            return commands;
        }
    }

    /** A command line as shown to the user: with {@code chroot ROOT} in front for a non-live target. */
    static String show(Target target, List<String> command) {
        return (target.live() ? "" : "chroot " + target.root() + " ") + String.join(" ", command);
    }

    /** Why the commands cannot run here, or null when they can. */
    String whyNotRunnable(List<List<String>> commands) {
        if (target.live()) {
            return null;
        }
        for (List<String> c : commands) {
            if (!hasTool(c.getFirst())) {
                return target.show("") + " has no " + c.getFirst();
            }
        }
        if (!Files.exists(target.resolve("proc/self")) || !Files.exists(target.resolve("dev/null"))) {
            return target.show("proc") + " and " + target.show("dev") + " are not mounted";
        }
        return null;
    }

    private boolean hasTool(String name) {
        for (String dir : new String[] {"usr/sbin", "usr/bin", "sbin", "bin"}) {
            if (Files.isExecutable(target.resolve(dir).resolve(name))) {
                return true;
            }
        }
        return false;
    }

    /**
     * Runs the commands, or prints them when they cannot run here. Returns true when they ran (and
     * succeeded), false when they were only printed; a failing command ends the run with
     * {@link ExitCode#EXTERNAL_FAILURE}, its output shown.
     */
    boolean run(List<List<String>> commands) {
        if (commands.isEmpty()) {
            return true;
        }
        String why = whyNotRunnable(commands);
        if (why != null) {
            log.note("Not running the boot chain here (" + why + "); run these to finish:");
            if (!Files.exists(target.resolve("proc/self"))) {
                for (String fs : List.of("proc", "sys", "dev")) {
                    log.note("  mount --rbind /" + fs + " " + target.resolve(fs));
                }
            }
            commands.forEach(c -> log.note("  " + show(target, c)));
            return false;
        }
        if (commands.stream().anyMatch(c -> c.getFirst().equals("update-initramfs"))) {
            kernelsWithoutInitrd().forEach(v -> log.warn("kernel " + v + " has no " + target.show("boot/initrd.img-" + v)
                    + ": 'update-initramfs -u' skips it, so it boots unprotected (create one with: update-initramfs -c -k " + v + ")"));
        }
        for (List<String> c : commands) {
            execute(c);
        }
        return true;
    }

    /** Kernels with an image in /boot but no initrd, which {@code update-initramfs -u -k all} passes over. */
    List<String> kernelsWithoutInitrd() {
        try (java.util.stream.Stream<java.nio.file.Path> s = Files.exists(target.resolve("boot"))
                ? Files.list(target.resolve("boot")) : java.util.stream.Stream.empty()) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("vmlinuz-"))
                    .map(n -> n.substring("vmlinuz-".length()))
                    .filter(v -> !Files.exists(target.resolve("boot/initrd.img-" + v))).sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    private void execute(List<String> command) {
        List<String> argv = new ArrayList<>();
        if (!target.live()) {
            argv.addAll(List.of("chroot", target.root().toString()));
        }
        argv.addAll(command);
        String shown = show(target, command);
        log.note("running: " + shown);
        Exec.Result r;
        try {
            r = Exec.command(argv, LIMIT).env(ENV).stream(log::output);
        } catch (ExecException e) {
            throw new OverlaybootException(ExitCode.EXTERNAL_FAILURE, "Cannot run '" + shown + "': "
                    + (e.getCause() != null && e.getCause().getMessage() != null ? e.getCause().getMessage() : e.getMessage()),
                    "run it by hand; the installed files are consistent", e);
        }
        int code = r.exitCode();
        if (code != 0) {
            throw new OverlaybootException(ExitCode.EXTERNAL_FAILURE, "'" + shown + "' "
                    + (r.timedOut() ? "took longer than " + LIMIT.toMinutes() + " minutes and was killed" : "failed with exit code " + code)
                    + " (its output is above)", "fix the cause and run it again (or re-run this command);"
                    + " the files are in place and 'overlayboot uninstall' still works");
        }
    }
}

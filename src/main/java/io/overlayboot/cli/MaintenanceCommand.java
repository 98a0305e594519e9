package io.overlayboot.cli;

import io.overlayboot.core.ExitCode;
import io.overlayboot.maintain.Layout;
import io.overlayboot.maintain.Maintenance;
import io.overlayboot.maintain.Session;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code overlayboot maintenance [-- COMMAND...]}: change the protected root for good, from a chroot into the lower layer. */
@Command(name = "maintenance", mixinStandardHelpOptions = true,
        description = {"Run a shell or command in the lower layer, made writable for it.",
            "Runs $SHELL (or COMMAND, after --) chrooted into /ro, remounted read-write for the session only;",
            "/proc, /sys, /dev, /run (and /boot, /boot/efi when separate) are available inside. On exit, Ctrl-C or",
            "SIGTERM every mount it made is undone and /ro is read-only again; after a SIGKILL the next run cleans up.",
            "Exit status: the command's; 4 when / is not protected (run the command directly), 6 when another",
            "session is open."})
final class MaintenanceCommand implements Callable<Integer> {
    @Option(names = "--root", paramLabel = "DIR", defaultValue = "/",
            description = "The running system's / (default: /); its lower layer is DIR/ro.")
    private Path root;

    @Option(names = "--mounts", paramLabel = "FILE", defaultValue = "/proc/self/mounts", description = "The mount table to read.")
    private Path mounts;

    @Option(names = "--cleanup", description = "Only clean up what a killed session left; run nothing.")
    private boolean cleanup;

    @Parameters(paramLabel = "COMMAND", arity = "0..*", description = "The command to run inside, after --; default: $SHELL.")
    private List<String> command = new ArrayList<>();

    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() {
        var err = spec.commandLine().getErr();
        Layout layout = Layout.of(root, mounts);
        if (cleanup) {
            if (!command.isEmpty()) {
                throw new io.overlayboot.core.OverlaybootException(ExitCode.USAGE, "--cleanup runs no command, but got '"
                        + String.join(" ", command) + "'", "run 'overlayboot maintenance --cleanup' alone");
            }
            boolean cleaned = Session.cleanup(layout, line -> say(err, line));
            say(err, cleaned ? "cleaned up" : "nothing to clean up");
            return ExitCode.OK.code();
        }
        return Maintenance.run(layout, command, System.getenv("SHELL"), line -> say(err, line));
    }

    private static void say(java.io.PrintWriter err, String line) {
        err.println("overlayboot: maintenance: " + line);
        err.flush();
    }
}

package io.overlayboot.cli;

import io.overlayboot.core.ExitCode;
import io.overlayboot.core.OverlaybootException;
import io.overlayboot.maintain.Layout;
import io.overlayboot.maintain.Maintenance;
import io.overlayboot.maintain.Session;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code overlayboot maintenance [-- COMMAND...]}: change the protected root for good, from a chroot into the lower layer. */
@Command(name = "maintenance", mixinStandardHelpOptions = true,
        description = {"Run a shell or command in the lower layer, made writable for it.",
            "Runs $SHELL (or COMMAND, after --) chrooted into /ro, remounted read-write for the session only;",
            "/proc, /sys, /dev, /run (and /boot, /boot/efi when separate) are available inside. On exit, Ctrl-C or",
            "SIGTERM every mount it made is undone and /ro is read-only again; after a SIGKILL the next run cleans up.",
            "Exit status: the command's; 4 when / is not protected (run the command directly), 6 when another",
            "session is open."})
final class MaintenanceCommand implements Subcommand {
    @Mixin
    private RunningSystemMixin system;

    @Option(names = "--cleanup", description = "Only clean up what a killed session left; run nothing.")
    private boolean cleanup;

    @Parameters(paramLabel = "COMMAND", arity = "0..*", description = "The command to run inside, after --; default: $SHELL.")
    private List<String> command = new ArrayList<>();

    @Override
    public Rendered run(Output out) {
        Layout layout = Layout.of(system.root(), system.mounts());
        if (!cleanup) {
            return Rendered.printed().exit(Maintenance.run(layout, command, System.getenv("SHELL"), line -> say(out, line)));
        }
        if (!command.isEmpty()) {
            throw new OverlaybootException(ExitCode.USAGE, "--cleanup runs no command, but got '"
                    + String.join(" ", command) + "'", "run 'overlayboot maintenance --cleanup' alone");
        }
        boolean cleaned = Session.cleanup(layout, line -> say(out, line));
        say(out, cleaned ? "cleaned up" : "nothing to clean up");
        return Rendered.printed();
    }

    private static void say(Output out, String line) {
        out.progress("overlayboot: maintenance: " + line);
    }
}

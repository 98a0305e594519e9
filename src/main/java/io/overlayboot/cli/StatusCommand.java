package io.overlayboot.cli;

import io.overlayboot.core.ExitCode;
import io.overlayboot.guard.NextBootCheck;
import io.overlayboot.runtime.Parameters;
import io.overlayboot.runtime.PersistedPaths;
import io.overlayboot.runtime.Status;
import io.overlayboot.runtime.StatusReport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code overlayboot status}: is this machine protected right now, and how full is the upper layer. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = {"Say whether / is protected now and how full the upper layer is.",
            "Reads /proc/mounts, not what was installed; also shows what the boot script did and warned about,",
            "the settings in force, and whether the next boot protects (as 'overlayboot check').",
            "A mount table with no line at --root or below is taken as the system's own.",
            "Exit 0 when protected now and at the next boot, 8 when protected now but not at the next boot,",
            "1 when not protected now."})
final class StatusCommand implements Subcommand {
    @Mixin
    private RunningSystemMixin system;

    @Mixin
    private JsonOption json;

    @Override
    public Rendered run(Output out) throws IOException {
        Path root = system.root();
        Status status = Status.read(root, system.mounts());
        StatusReport report = new StatusReport(status, Parameters.inForce(status.state(), text(root, "proc/cmdline"),
                text(root, "etc/overlayboot.conf")), new NextBootCheck(root).check(),
                PersistedPaths.of(status.state(), PersistedPaths.mountPoints(system.mounts())));
        ExitCode code = !status.protectedNow() ? ExitCode.NOT_PROTECTED
                : report.unprotectedNextBoot() ? ExitCode.NEXT_BOOT_UNPROTECTED : ExitCode.OK;
        return Rendered.lines(report.lines(), report::json).exit(code);
    }

    /** The text of a small file of the system, empty when it cannot be read. */
    private static String text(Path root, String path) {
        try {
            return Files.readString(root.resolve(path), java.nio.charset.StandardCharsets.ISO_8859_1);
        } catch (IOException | java.io.UncheckedIOException e) {
            return "";
        }
    }
}

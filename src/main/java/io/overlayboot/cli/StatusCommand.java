package io.overlayboot.cli;

import io.overlayboot.core.Json;
import io.overlayboot.core.ExitCode;
import io.overlayboot.guard.NextBootCheck;
import io.overlayboot.runtime.Parameters;
import io.overlayboot.runtime.PersistedPaths;
import io.overlayboot.runtime.Status;
import io.overlayboot.runtime.StatusReport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code overlayboot status}: is this machine protected right now, and how full is the upper layer. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = {"Say whether / is protected now and how full the upper layer is.",
            "Reads /proc/mounts, not what was installed; also shows what the boot script did and warned about,",
            "the settings in force, and whether the next boot protects (as 'overlayboot check').",
            "Exit 0 when protected now and at the next boot, 8 when protected now but not at the next boot,",
            "1 when not protected now."})
final class StatusCommand implements Callable<Integer> {
    @Option(names = "--root", paramLabel = "DIR", defaultValue = "/", description = "The system's / (default: /).")
    private Path root;

    @Option(names = "--mounts", paramLabel = "FILE", defaultValue = "/proc/self/mounts", description = {"The mount table to read. With --root DIR, its lines at DIR and below",
                "describe that system (DIR/rw is its /rw); a table with none is taken as the system's own."})
    private Path mounts;

    @Mixin
    private JsonOption json;

    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        Status status = Status.read(root, mounts);
        StatusReport report = new StatusReport(status, Parameters.inForce(status.state(), text("proc/cmdline"),
                text("etc/overlayboot.conf")), new NextBootCheck(root).check(),
                PersistedPaths.of(status.state(), PersistedPaths.mountPoints(mounts)));
        var out = spec.commandLine().getOut();
        if (json.enabled()) {
            out.println(Json.write(report.json()));
        } else {
            report.lines().forEach(out::println);
        }
        if (!status.protectedNow()) {
            return ExitCode.NOT_PROTECTED.code();
        }
        return (report.unprotectedNextBoot() ? ExitCode.NEXT_BOOT_UNPROTECTED : ExitCode.OK).code();
    }

    /** The text of a small file of the system, empty when it cannot be read. */
    private String text(String path) {
        try {
            return Files.readString(root.resolve(path), java.nio.charset.StandardCharsets.ISO_8859_1);
        } catch (IOException | java.io.UncheckedIOException e) {
            return "";
        }
    }
}

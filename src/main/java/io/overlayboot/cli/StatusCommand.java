package io.overlayboot.cli;

import io.overlayboot.core.Json;
import io.overlayboot.core.ExitCode;
import io.overlayboot.runtime.PersistedPaths;
import io.overlayboot.runtime.Status;
import java.io.IOException;
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
            "Reads /proc/mounts, not what was installed; also shows what the boot script did and warned about.",
            "Exit 0 when protected, 1 when not."})
final class StatusCommand implements Callable<Integer> {
    @Option(names = "--root", paramLabel = "DIR", defaultValue = "/", description = "The system's / (default: /).")
    private Path root;

    @Option(names = "--mounts", paramLabel = "FILE", defaultValue = "/proc/self/mounts", description = "The mount table to read.")
    private Path mounts;

    @Mixin
    private JsonOption json;

    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        Status status = Status.read(root, mounts);
        PersistedPaths persisted = PersistedPaths.of(status.state(), PersistedPaths.mountPoints(mounts));
        var out = spec.commandLine().getOut();
        if (json.enabled()) {
            out.println(Json.write(Json.object("protected", status.protectedNow(), "rootType", status.rootType(),
                    "upperTotalBytes", status.upperTotal(), "upperUsedBytes", status.upperUsed(),
                    "boot", status.state(), "persisted", persisted.json())));
        } else {
            status.describe().forEach(out::println);
            persisted.describe().forEach(out::println);
        }
        return (status.protectedNow() ? ExitCode.OK : ExitCode.NOT_PROTECTED).code();
    }
}

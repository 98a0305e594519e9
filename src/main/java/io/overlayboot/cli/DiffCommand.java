package io.overlayboot.cli;

import io.overlayboot.core.Json;
import io.overlayboot.core.OverlaybootException;
import io.overlayboot.core.ExitCode;
import io.overlayboot.runtime.UpperDiff;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code overlayboot diff}: what changed since boot, i.e. what a reboot will throw away. */
@Command(name = "diff", mixinStandardHelpOptions = true,
        description = {
            "List what changed since boot: what a reboot will throw away.",
            "Every file added (A), changed (M) or deleted (D) in the upper layer."
        })
final class DiffCommand implements Callable<Integer> {
    @Option(names = "--upper", paramLabel = "DIR", defaultValue = "/rw/upper", description = "The upper layer (default: /rw/upper).")
    private Path upper;

    @Option(names = "--lower", paramLabel = "DIR", defaultValue = "/ro", description = "The lower layer (default: /ro).")
    private Path lower;

    @Mixin
    private JsonOption json;

    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        if (!Files.isDirectory(upper)) {
            throw OverlaybootException.environment("No upper layer at " + upper + ": the root is not protected by overlayboot",
                    "check with 'overlayboot status', or name it with --upper");
        }
        UpperDiff.Diff diff = UpperDiff.between(upper, lower);
        List<UpperDiff.Change> changes = diff.changes();
        var out = spec.commandLine().getOut();
        Output output = new Output(out, spec.commandLine().getErr());
        diff.unreadable().forEach(dir -> output.warn("cannot read " + dir + ": the changes under it are not listed"
                + " (hint: run as root)"));
        if (json.enabled()) {
            out.println(Json.write(changes.stream()
                    .map(c -> Json.object("change", c.kind().name().toLowerCase(java.util.Locale.ROOT), "path", c.path()))
                    .toList()));
        } else {
            changes.forEach(c -> out.println(switch (c.kind()) {
                case ADDED -> "A ";
                case CHANGED -> "M ";
                case DELETED -> "D ";
            } + c.path()));
        }
        return ExitCode.OK.code();
    }
}

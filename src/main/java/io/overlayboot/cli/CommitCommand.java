package io.overlayboot.cli;

import io.overlayboot.core.Json;
import io.overlayboot.runtime.Commit;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code overlayboot commit PATH...}: keep chosen changes across reboots, without rebooting unprotected. */
@Command(name = "commit", mixinStandardHelpOptions = true,
        description = {"Copy changed files to the lower layer so they survive a reboot.",
            "Copies each PATH as the running system sees it into the lower layer (or deletes it there), remounting /ro"
                    + " read-write only for that moment. 'overlayboot diff' shows candidates."})
final class CommitCommand implements Subcommand {
    @Parameters(paramLabel = "PATH", arity = "1..*", description = "Absolute paths, e.g. /etc/hostname /etc/ssh.")
    private List<String> paths;

    @Mixin
    private RunningSystemMixin system;

    @Option(names = "--lower", paramLabel = "DIR", defaultValue = "/ro", description = "The lower layer's mount point (default: /ro).")
    private Path lower;

    @Mixin
    private JsonOption json;

    @Override
    public Rendered run(Output output) {
        List<Commit.Outcome> outcomes = Commit.commit(system.root(), lower, paths, system.mounts());
        return Rendered.lines(outcomes.stream().map(o -> o.action() + " " + o.path()).toList(),
                () -> outcomes.stream().map(o -> Json.object("path", o.path(), "action", o.action())).toList());
    }
}

package io.overlayboot.cli;

import io.overlayboot.core.Json;
import io.overlayboot.core.ExitCode;
import io.overlayboot.runtime.Commit;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code overlayboot commit PATH...}: keep chosen changes across reboots, without rebooting unprotected. */
@Command(name = "commit", mixinStandardHelpOptions = true,
        description = {"Copy changed files to the lower layer so they survive a reboot.",
            "Copies each PATH as the running system sees it into the lower layer (or deletes it there), remounting /ro"
                    + " read-write only for that moment. 'overlayboot diff' shows candidates."})
final class CommitCommand implements Callable<Integer> {
    @Parameters(paramLabel = "PATH", arity = "1..*", description = "Absolute paths, e.g. /etc/hostname /etc/ssh.")
    private List<String> paths;

    @Option(names = "--root", paramLabel = "DIR", defaultValue = "/", description = "The running root (default: /).")
    private Path root;

    @Option(names = "--lower", paramLabel = "DIR", defaultValue = "/ro", description = "The lower layer's mount point (default: /ro).")
    private Path lower;

    @Mixin
    private JsonOption json;

    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() {
        List<Commit.Outcome> outcomes = Commit.commit(root, lower, paths);
        var out = spec.commandLine().getOut();
        if (json.enabled()) {
            out.println(Json.write(outcomes.stream().map(o -> Json.object("path", o.path(), "action", o.action())).toList()));
        } else {
            outcomes.forEach(o -> out.println(o.action() + " " + o.path()));
        }
        return ExitCode.OK.code();
    }
}

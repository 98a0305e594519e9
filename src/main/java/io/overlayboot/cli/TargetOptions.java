package io.overlayboot.cli;

import io.overlayboot.core.Json;
import io.overlayboot.files.RunLock;
import io.overlayboot.install.Confirmation;
import io.overlayboot.install.Reporter;
import io.overlayboot.install.Result;
import io.overlayboot.install.RunContext;
import io.overlayboot.install.Target;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/** The options of the commands that change a target root: {@code install}, {@code uninstall}, {@code configure}. */
public final class TargetOptions {
    @Option(names = "--root", paramLabel = "DIR", defaultValue = "/",
            description = "The target's root: / (the running system, the default) or a mounted image or chroot tree.")
    Path root;

    @Option(names = "--dry-run", description = "Print a unified diff of every file and the commands it would run; change nothing.")
    boolean dryRun;

    @Option(names = {"-y", "--yes"}, description = "Do not ask for confirmation (needed when not on a terminal).")
    boolean yes;

    @Option(names = "--force", description = "Overwrite files changed since install, and install next to another overlay tool.")
    boolean force;

    @Option(names = "--lock-wait", paramLabel = "SECONDS", defaultValue = "60",
            description = "How long to wait for another overlayboot run on the same root (default: ${DEFAULT-VALUE}).")
    int lockWait;

    /** The run context these options describe; {@code json} keeps stdout for the JSON result. */
    RunContext context(CommandSpec spec, boolean json) {
        Reporter reporter = new Reporter(spec.commandLine().getOut(), spec.commandLine().getErr(), json);
        Confirmation confirmation = yes || dryRun ? Confirmation.yes() : Confirmation.terminal();
        return new RunContext(Target.at(root), reporter, confirmation, dryRun, force, RunLock.defaultLockDir(),
                Duration.ofSeconds(Math.max(0, lockWait)));
    }

    static void printJson(CommandSpec spec, Path root, Result result) {
        Output out = new Output(spec.commandLine().getOut(), spec.commandLine().getErr());
        out.json(Json.object("root", root.toString(), "dryRun", result.dryRun(), "changes", result.changes(),
                "commands", result.commands(), "bootChain", result.bootChain().jsonName()));
    }
}

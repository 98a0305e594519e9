package io.overlayboot.cli;

import io.overlayboot.core.Json;
import io.overlayboot.files.RunLock;
import io.overlayboot.install.Confirmation;
import io.overlayboot.install.Reporter;
import io.overlayboot.install.Result;
import io.overlayboot.install.RunContext;
import io.overlayboot.install.Target;
import java.time.Duration;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The options of the commands that change a target root: {@code install}, {@code uninstall}, {@code configure}. */
final class TargetOptions {
    @Mixin
    private TargetRootMixin target;

    @Option(names = "--dry-run", description = "Print a unified diff of every file and the commands it would run; change nothing.")
    private boolean dryRun;

    @Option(names = {"-y", "--yes"}, description = "Do not ask for confirmation (needed when not on a terminal).")
    private boolean yes;

    @Option(names = "--force", description = "Overwrite files changed since install, and install next to another overlay tool.")
    private boolean force;

    @Option(names = "--lock-wait", paramLabel = "SECONDS", defaultValue = "60",
            description = "How long to wait for another overlayboot run on the same root (default: ${DEFAULT-VALUE}).")
    private int lockWait;

    /**
     * The run context these options describe. Install-like runs print their diff and progress as
     * they go (a boot chain can take minutes, and a failure half-way must leave what was done on
     * the screen); with {@code --json} that text is kept off stdout for the JSON result.
     */
    RunContext context(Output output) {
        Reporter reporter = new Reporter(output.out(), output.err(), output.json());
        Confirmation confirmation = yes || dryRun ? Confirmation.yes() : Confirmation.terminal();
        return new RunContext(Target.at(target.root()), reporter, confirmation, dryRun, force, RunLock.defaultLockDir(),
                Duration.ofSeconds(Math.max(0, lockWait)));
    }

    /** What an install-like run answers: its text was printed as it ran; its JSON is the summary (docs/json.md). */
    static Rendered rendered(RunContext ctx, Result result) {
        return Rendered.of(out -> {}, () -> Json.object("root", ctx.target().root().toString(), "dryRun", result.dryRun(),
                "changes", result.changes(), "commands", result.commands(), "bootChain", result.bootChain().jsonName()));
    }
}

package io.overlayboot.cli;

import io.overlayboot.core.Json;
import io.overlayboot.files.RunLock;
import io.overlayboot.install.Confirmation;
import io.overlayboot.install.Result;
import io.overlayboot.install.RunContext;
import io.overlayboot.install.Target;
import io.overlayboot.install.Unfinished;
import java.time.Duration;
import java.util.function.Function;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The options of the commands that change a target root ({@code install}, {@code uninstall},
 * {@code configure}, {@code enable}, {@code disable}), {@code --json} among them, and how such a
 * run is carried out and rendered ({@link #apply}).
 */
final class TargetOptions {
    @Mixin
    private TargetRootMixin target;

    /** Every such run answers the same JSON (docs/json.md), rendered by {@link #apply}. */
    @Mixin
    private JsonOption json;

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
     * Runs {@code run} with the context these options describe and renders what it did, once:
     * {@link Result#lines()} as text, or the JSON summary (docs/json.md). Progress, notes and the
     * boot chain's output went to stderr while it ran ({@link Output#log()}). A run that changed
     * files and then stopped ({@link Unfinished}: the boot chain failed, a later write failed,
     * uninstall could not put a file back) prints what it did as text, then fails with its error
     * and exit code; with {@code --json} it prints no document, as before (docs/json.md has no
     * failed run).
     */
    Rendered apply(Output output, Function<RunContext, Result> run) {
        RunContext ctx = context(output);
        try {
            return rendered(ctx, run.apply(ctx));
        } catch (Unfinished u) {
            return Rendered.textOnly(u.done()).thenFail(u.error());
        }
    }

    private RunContext context(Output output) {
        Confirmation confirmation = yes || dryRun ? Confirmation.yes() : Confirmation.terminal();
        return new RunContext(Target.at(target.root()), output.log(), confirmation, dryRun, force, RunLock.defaultLockDir(),
                Duration.ofSeconds(Math.max(0, lockWait)));
    }

    /** What an install-like run answers: its lines as text; as JSON the summary (docs/json.md). */
    private static Rendered rendered(RunContext ctx, Result result) {
        return Rendered.lines(result.lines(), () -> Json.object("root", ctx.target().root().toString(), "dryRun", result.dryRun(),
                "changes", result.changes(), "commands", result.commands(), "bootChain", result.bootChain().jsonName()));
    }
}

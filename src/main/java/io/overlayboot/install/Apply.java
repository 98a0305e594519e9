package io.overlayboot.install;

import io.overlayboot.core.ExitCode;
import io.overlayboot.core.OverlaybootException;
import io.overlayboot.files.AtomicFiles;
import io.overlayboot.files.FileMeta;
import io.overlayboot.files.RunLock;
import io.overlayboot.files.Trees;
import io.overlayboot.install.Manifest.Entry;
import io.overlayboot.install.Plan.Backup;
import io.overlayboot.install.Plan.Records;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Carries out the {@link Plan} of {@code install}, {@code configure} or {@code uninstall}: the one
 * place that takes the target's lock, asks, writes and runs the boot chain, saying what it does on
 * the {@link Log} as it goes and returning what it did as a {@link Result}.
 *
 * <p>Order of work, so that a crash at any point leaves a target uninstall can clean up: first the
 * manifest naming everything about to be written (it appears atomically, with its directory), then
 * the directories, the backups of replaced files, the files (each atomically, each checked to still
 * hold what the plan saw), the files to take out, then the manifest again with what was written,
 * then the boot chain, then the manifest with the boot chain marked done. What a run stopped before
 * its first manifest left is removed by the next run. Every path goes through {@link Target#resolve},
 * which refuses links leading out of the root.
 *
 * <p>A run that stops after it changed a file of the target (the boot chain failed, a later write
 * failed, or uninstall could not put back every file) throws {@link Unfinished}, carrying what it
 * did, so that the result is not lost with the error.
 */
public final class Apply {
    private final RunContext ctx;
    private final Target target;
    private final Log log;
    private final Checkpoint checkpoint;

    public Apply(RunContext ctx) {
        this(ctx, step -> {});
    }

    /** With {@code checkpoint} told before every write, so tests can stop the run there as a crash would. */
    Apply(RunContext ctx, Checkpoint checkpoint) {
        this.ctx = ctx;
        this.target = ctx.target();
        this.log = ctx.log();
        this.checkpoint = checkpoint;
    }

    /** Told before each step that changes the target. */
    @FunctionalInterface
    interface Checkpoint {
        void reached(String step);
    }

    /** Under the target's lock: reads the manifest, plans with {@code planner}, and carries the plan out. */
    public Result run(Planner planner) {
        try (RunLock lock = ctx.lock()) {
            Optional<Manifest> installed = Manifest.load(target.root());
            Plan plan = planner.plan(target, installed, ctx.force());
            if (installed.isEmpty() && !ctx.dryRun()) {
                removeLeftovers();
            }
            return carryOut(plan);
        } catch (IOException e) {
            throw new OverlaybootException(ExitCode.ENVIRONMENT, "Cannot release the lock: " + e.getMessage(), null, e);
        }
    }

    /** Says the plan's notices and, unless this is a dry run, applies it. The caller holds the lock. */
    Result carryOut(Plan plan) {
        plan.notices().forEach(n -> {
            if (n.warning()) {
                log.warn(n.text());
            } else {
                log.note(n.text());
            }
        });
        if (plan.unchanged().isPresent()) {
            return new Result(ctx.dryRun(), List.of(), List.of(), BootChainOutcome.NONE, List.of(plan.unchanged().get()));
        }
        if (ctx.dryRun()) {
            return new Result(true, plan.summary(), plan.shownCommands(), BootChainOutcome.WOULD_RUN, plan.preview());
        }
        confirm(plan);
        List<String> done = new ArrayList<>();
        try {
            return apply(plan, done);
        } catch (Unfinished e) {
            throw e;
        } catch (OverlaybootException e) {
            throw done.isEmpty() ? e : new Unfinished(done, e);
        }
    }

    /**
     * Writes the plan's records and changes, then runs its boot chain; adds each line of the result
     * to {@code done} as soon as it is true, so that a failure part way still says what was done.
     */
    private Result apply(Plan plan, List<String> done) {
        Records records = plan.records();
        records.intent().ifPresent(m -> storeFirst(m, records.withManifest()));
        records.directories().forEach(this::makeDirectory);
        for (Backup b : records.backups()) {
            write(b.backup(), b.bytes());
        }
        for (Change c : plan.changes()) {
            checkpoint.reached(c.verb() + " " + c.path());
            c.apply(target);
            done.add(c.verb() + " " + target.show(c.path()));
        }
        records.sweep().forEach(this::removeTemporaryFiles);
        for (String path : records.discard()) {
            delete(path);
            removeTemporaryFiles(path);
        }
        records.removeIfEmpty().forEach(this::removeIfEmpty);
        Optional<Manifest> record = records.record().map(this::asWritten);
        if (record.isPresent()) {
            store(record.get());
        } else {
            removeManifest(records.withManifest());
        }
        plan.closing().notes().forEach(log::note);

        if (!plan.bootChain().isEmpty()) {
            log.note(plan.changes().size() + " file(s) changed in " + target.show("") + "; bringing the boot chain up to date");
        }
        boolean ran = new BootChain(target, log).run(plan.bootChain());
        if (ran) {
            record.ifPresent(m -> store(m.withBootChainPending(false)));
            done.add(plan.closing().done());
        }
        List<String> lost = plan.closing().lost();
        if (!lost.isEmpty()) {
            throw OverlaybootException.badInput("Uninstalled, but could not put back " + lost.size() + " file(s) whose backup is"
                    + " missing or damaged: " + String.join(", ", lost.stream().map(target::show).toList())
                    + " (left as overlayboot wrote them)", "restore those files from a system backup");
        }
        return new Result(false, plan.summary(), plan.shownCommands(),
                plan.bootChain().isEmpty() ? BootChainOutcome.NONE : ran ? BootChainOutcome.RAN : BootChainOutcome.PRINTED, done);
    }

    /** Asks before changing anything (the changes as a list), unless {@code --yes}. */
    private void confirm(Plan plan) {
        if (ctx.confirmation() == Confirmation.YES) {
            return;
        }
        plan.changes().forEach(c -> log.note(c.verb() + " " + target.show(c.path())));
        plan.shownCommands().forEach(c -> log.note("then run: " + c));
        if (!ctx.confirmation().confirm(plan.question() + " (" + plan.changes().size() + " file(s) in " + target.show("") + ")?")) {
            throw new OverlaybootException(ExitCode.ABORTED, "Nothing changed: not confirmed", "pass --yes to skip the question");
        }
    }

    /** {@code manifest} with the mode and owner each of its files has on disk now. */
    private Manifest asWritten(Manifest manifest) {
        return new Manifest(manifest.grub(), manifest.chosen(), manifest.sysctl(), manifest.bootChainPending(), manifest.directories(),
                manifest.files().stream().map(e -> new Entry(e.path(), e.sha256(), Change.meta(target.resolve(e.path())), e.original()))
                        .toList(), manifest.packaged());
    }

    /**
     * Removes what a run stopped before its first manifest left: the directory it was building the
     * manifest in (see {@link AtomicFiles#createDirectoryWith}). Only for a target without a manifest.
     */
    private void removeLeftovers() {
        for (String dir = Manifest.DIR; !dir.isEmpty(); dir = InstallPlanner.parent(dir)) {
            Path stage = AtomicFiles.stagingName(target.resolve(dir));
            if (Files.exists(stage, LinkOption.NOFOLLOW_LINKS)) {
                try {
                    Trees.delete(stage);
                } catch (IOException e) {
                    throw new OverlaybootException(ExitCode.ENVIRONMENT, "Cannot remove " + stage + ", left by an interrupted install: "
                            + e.getMessage(), "remove it by hand", e);
                }
                log.note("removed " + stage + ", left by an interrupted install");
            }
        }
    }

    /**
     * Writes the first manifest of this run; when its directory ({@code missing}, parents first) is
     * not there yet, the directory appears together with the manifest in it.
     */
    private void storeFirst(Manifest manifest, List<String> missing) {
        if (missing.isEmpty()) {
            store(manifest);
            return;
        }
        checkpoint.reached("create " + missing.getFirst() + "/ with " + Manifest.PATH);
        String top = missing.getFirst();
        try {
            AtomicFiles.createDirectoryWith(target.resolve(top), Manifest.PATH.substring(top.length() + 1),
                    manifest.toJson().getBytes(StandardCharsets.UTF_8), FileMeta.permissionsOf(0755), FileMeta.permissionsOf(0644));
        } catch (IOException e) {
            throw new OverlaybootException(ExitCode.ENVIRONMENT, "Cannot write " + target.show(Manifest.PATH) + ": " + e.getMessage(),
                    "check that the target is writable and has free space; nothing was changed", e);
        }
    }

    /**
     * Removes the manifest last. When the directories install made for it ({@code dirs}, parents
     * first) hold nothing else, they go whole: renamed to the temporary name {@link #removeLeftovers}
     * looks for, then deleted, so a run stopped in between leaves nothing the next run does not clean.
     * Otherwise the manifest goes alone and each directory only when empty.
     */
    private void removeManifest(List<String> dirs) {
        removeTemporaryFiles(Manifest.PATH);
        if (dirs.isEmpty() || !holdsOnly(dirs.getFirst(), dirs)) {
            delete(Manifest.PATH);
            dirs.reversed().forEach(this::removeIfEmpty);
            return;
        }
        Path top = target.resolve(dirs.getFirst());
        Path stage = AtomicFiles.stagingName(top);
        checkpoint.reached("remove " + dirs.getFirst() + "/ with " + Manifest.PATH);
        try {
            Trees.delete(stage);
            Files.move(top, stage, StandardCopyOption.ATOMIC_MOVE);
            checkpoint.reached("remove " + target.root().relativize(stage) + "/");
            Trees.delete(stage);
        } catch (IOException e) {
            throw new OverlaybootException(ExitCode.ENVIRONMENT, "Cannot remove " + target.show(dirs.getFirst()) + ": "
                    + e.getMessage(), "remove it by hand; overlayboot is uninstalled", e);
        }
    }

    /** True when the tree at {@code top} is exactly the directories {@code dirs} and the manifest. */
    private boolean holdsOnly(String top, List<String> dirs) {
        Path root = target.resolve(top);
        try (Stream<Path> s = Files.walk(root)) {
            return s.map(p -> top + (p.equals(root) ? "" : "/" + root.relativize(p)))
                    .allMatch(p -> p.equals(Manifest.PATH) ? Files.isRegularFile(target.resolve(p), LinkOption.NOFOLLOW_LINKS)
                            : dirs.contains(p) && Files.isDirectory(target.resolve(p), LinkOption.NOFOLLOW_LINKS));
        } catch (IOException e) {
            return false;
        }
    }

    private void makeDirectory(String relative) {
        checkpoint.reached("create " + relative + "/");
        Path dir = target.resolve(relative);
        if (Files.isDirectory(dir)) {
            return;
        }
        try {
            Files.createDirectory(dir);
            Files.setPosixFilePermissions(dir, FileMeta.permissionsOf(0755));
        } catch (IOException e) {
            throw new OverlaybootException(ExitCode.ENVIRONMENT, "Cannot create " + target.show(relative) + ": " + e.getMessage(),
                    "check that the target is writable", e);
        }
    }

    private void write(String relative, byte[] bytes) {
        checkpoint.reached("write " + relative);
        try {
            AtomicFiles.write(target.resolve(relative), bytes, FileMeta.permissionsOf(0600));
        } catch (IOException e) {
            throw new OverlaybootException(ExitCode.ENVIRONMENT, "Cannot write " + target.show(relative) + ": " + e.getMessage(),
                    "check that the target is writable", e);
        }
    }

    private void delete(String relative) {
        checkpoint.reached("remove " + relative);
        try {
            AtomicFiles.delete(target.resolve(relative));
        } catch (IOException e) {
            throw new OverlaybootException(ExitCode.ENVIRONMENT, "Cannot remove " + target.show(relative) + ": " + e.getMessage(), null, e);
        }
    }

    /** Removes what an interrupted atomic write of {@code relative} left beside it. */
    private void removeTemporaryFiles(String relative) {
        try {
            for (Path p : AtomicFiles.leftoversOf(target.resolve(relative))) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new OverlaybootException(ExitCode.ENVIRONMENT, "Cannot clean up beside " + target.show(relative) + ": "
                    + e.getMessage(), null, e);
        }
    }

    private void removeIfEmpty(String relative) {
        checkpoint.reached("remove " + relative + "/");
        try {
            Files.deleteIfExists(target.resolve(relative));
        } catch (DirectoryNotEmptyException e) {
            log.note("keeping " + target.show(relative) + ": it holds files overlayboot did not put there");
        } catch (IOException e) {
            throw new OverlaybootException(ExitCode.ENVIRONMENT, "Cannot remove " + target.show(relative) + ": " + e.getMessage(), null, e);
        }
    }

    private void store(Manifest manifest) {
        checkpoint.reached("write " + Manifest.PATH);
        try {
            manifest.store(target.root());
        } catch (IOException e) {
            throw new OverlaybootException(ExitCode.ENVIRONMENT, "Cannot write " + target.show(Manifest.PATH) + ": " + e.getMessage(),
                    "check that the target is writable", e);
        }
    }
}

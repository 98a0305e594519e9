package io.overlayboot.install;

import io.overlayboot.core.ExitCode;
import io.overlayboot.core.OverlaybootException;
import io.overlayboot.files.AtomicFiles;
import io.overlayboot.files.FileMeta;
import io.overlayboot.render.RenderRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

/**
 * {@code enable} and {@code disable} on a machine where the Debian package carries the boot files
 * (see {@link Packaged}): {@link Apply} with {@link Planner#enable} or {@link Planner#disable}, and
 * the rollback of a first {@code enable} whose boot chain failed. Such a run has written its files
 * (the GRUB parameter, the config's settings) but the initrds or GRUB's menu do not match them; it
 * puts every file back byte for byte, as {@code disable} would, and ends with EXTERNAL_FAILURE
 * saying so. An {@code enable} that changes an enabled machine's settings and fails the same way
 * is rolled back to the previous {@code enable}: the files its plan touches (the config, the GRUB
 * parameter, backups) and the manifest are read before anything is written ({@link Snapshot}), put
 * back byte for byte with their mode and owner, and the initrds rebuilt from the restored config.
 */
public final class Enabling {
    private Enabling() {}

    /** {@code overlayboot enable}: the GRUB parameter (or {@code mode=}) and the settings; the initrds rebuilt. */
    public static Result enable(RunContext ctx, RenderRequest request) {
        boolean first = ctx.dryRun() || Manifest.load(ctx.target().root()).isEmpty();
        AtomicReference<Snapshot> previous = new AtomicReference<>();
        Planner enable = Planner.enable(request);
        Planner remembering = (target, installed, force) -> {
            Plan plan = enable.plan(target, installed, force);
            if (installed.filter(Manifest::packaged).isPresent()) {
                previous.set(Snapshot.of(target, plan));
            }
            return plan;
        };
        try {
            return new Apply(ctx).run(remembering);
        } catch (OverlaybootException e) {
            Optional<Manifest> written = ctx.dryRun() ? Optional.empty() : Manifest.load(ctx.target().root());
            if (e.exitCode() != ExitCode.EXTERNAL_FAILURE || written.filter(Manifest::packaged).isEmpty()) {
                throw e;
            }
            if (!first) {
                if (previous.get() == null) {
                    throw e;
                }
                List<String> restored = rollBackTo(ctx, e, previous.get());
                throw new Unfinished(Stream.concat(done(e).stream(), restored.stream()).toList(), new OverlaybootException(ExitCode.EXTERNAL_FAILURE, e.getMessage()
                        + "; rolled back to the previous enable: every file this enable changed is as it was, with the"
                        + " settings enabled before", "fix the cause, then run 'overlayboot enable' again", e));
            }
            List<String> rolledBack = rollBack(ctx, e, written.get());
            throw new Unfinished(Stream.concat(done(e).stream(), rolledBack.stream()).toList(), new OverlaybootException(
                    ExitCode.EXTERNAL_FAILURE, e.getMessage() + "; rolled back: every file enable changed is as it was and"
                    + " protection is not enabled", "fix the cause, then run 'overlayboot enable' again", e));
        }
    }

    /** {@code overlayboot disable}; {@code fromPackage}: run by the package's prerm (see {@link DisablePlanner}). */
    public static Result disable(RunContext ctx, boolean fromPackage) {
        return new Apply(ctx).run(Planner.disable(fromPackage));
    }

    /** Puts back what the failed enable wrote; returns what that did, as {@link Result#lines()}. */
    private static List<String> rollBack(RunContext ctx, OverlaybootException cause, Manifest written) {
        ctx.log().warn("enable failed (" + cause.getMessage() + "); rolling back");
        RunContext again = new RunContext(ctx.target(), ctx.log(), Confirmation.yes(), false, false, ctx.lockDir(), ctx.lockWait());
        List<String> lines;
        try {
            lines = new Apply(again).run(new DisablePlanner(false, false)).lines();
        } catch (OverlaybootException r) {
            throw new Unfinished(Stream.concat(done(cause).stream(), done(r).stream()).toList(), new OverlaybootException(
                    ExitCode.EXTERNAL_FAILURE, cause.getMessage() + "; rolling back failed too: " + r.getMessage(),
                    "run 'overlayboot disable --force' once the cause is fixed", cause));
        }
        // The config went into the initrds only if the generator ran through; rebuild them from the
        // restored config when it was changed, and say so if that fails too.
        if (written.entry(Packaged.CONFIG).isPresent()) {
            rebuildInitrds(ctx);
        }
        return lines;
    }

    /** What the run that threw {@code e} did: its lines when it is {@link Unfinished}, else none. */
    private static List<String> done(OverlaybootException e) {
        return e instanceof Unfinished u ? u.done() : List.of();
    }

    /**
     * Puts back {@code previous} (an enabled machine's files before a failed enable), then rebuilds
     * the initrds when the config changed; returns what it put back, as {@link Result#lines()}.
     */
    private static List<String> rollBackTo(RunContext ctx, OverlaybootException cause, Snapshot previous) {
        ctx.log().warn("enable failed (" + cause.getMessage() + "); rolling back to the previous enable");
        List<String> restored = new ArrayList<>();
        try (var lock = ctx.lock()) {
            previous.restore(ctx.target(), restored);
        } catch (IOException | RuntimeException r) {
            throw new Unfinished(Stream.concat(done(cause).stream(), restored.stream()).toList(), new OverlaybootException(
                    ExitCode.EXTERNAL_FAILURE, cause.getMessage() + "; rolling back failed too: " + r.getMessage(),
                    "fix the cause, then run 'overlayboot enable' again (or 'overlayboot disable --force')", cause));
        }
        if (previous.touches(Packaged.CONFIG) && !rebuildInitrds(ctx)) {
            // the restored files are the previous enable's, its initrds may not be: say so in the
            // manifest, so that the next enable or disable brings the boot chain up to date instead
            // of finding nothing to change
            try (var lock = ctx.lock()) {
                Optional<Manifest> back = Manifest.load(ctx.target().root());
                if (back.isPresent()) {
                    back.get().withBootChainPending(true).store(ctx.target().root());
                }
            } catch (IOException | RuntimeException r) {
                ctx.log().warn("cannot mark " + ctx.target().show(Manifest.PATH) + " as waiting for the boot chain: " + r.getMessage());
            }
        }
        return restored;
    }

    /** Rebuilds the initrds from the restored config; false (with a warning) when that fails or can only be printed. */
    private static boolean rebuildInitrds(RunContext ctx) {
        try {
            return new BootChain(ctx.target(), ctx.log()).run(InitrdGenerator.rebuild(ctx.target(),
                    InitrdGenerator.detect(ctx.target())));
        } catch (OverlaybootException r) {
            ctx.log().warn("rebuilding the initrds from the restored " + ctx.target().show(Packaged.CONFIG)
                    + " failed too; the previous initrds are kept where the generator left them");
            return false;
        }
    }

    /**
     * What an enabled machine holds, before an {@code enable} changes it, at every path the plan
     * touches: each file's bytes, mode and owner (or its absence), and which of the directories the
     * plan creates were there.
     */
    record Snapshot(Map<String, Optional<Kept>> files, List<String> newDirectories) {
        record Kept(byte[] bytes, FileMeta meta) {}

        static Snapshot of(Target target, Plan plan) {
            // in the order restore puts them back: the backups first (a failure part way must not
            // lose the only copy of an original), then the files, the manifest last (so that it
            // never describes files that are not yet back)
            Set<String> paths = new LinkedHashSet<>();
            plan.records().backups().forEach(b -> paths.add(b.backup()));
            paths.addAll(plan.records().discard());
            plan.changes().forEach(c -> paths.add(c.path()));
            paths.remove(Manifest.PATH);
            paths.add(Manifest.PATH);
            Map<String, Optional<Kept>> files = new LinkedHashMap<>();
            for (String path : paths) {
                Path p = target.resolve(path);
                byte[] bytes = Change.read(p);
                files.put(path, bytes == null ? Optional.empty() : Optional.of(new Kept(bytes, Change.meta(p))));
            }
            List<String> dirs = new ArrayList<>(plan.records().directories());
            dirs.addAll(plan.records().withManifest());
            return new Snapshot(files, dirs.stream().filter(d -> !Files.isDirectory(target.resolve(d), LinkOption.NOFOLLOW_LINKS)).toList());
        }

        boolean touches(String path) {
            return files.containsKey(path);
        }

        /**
         * Puts every file back as it was (only where it differs), in the order {@link #of} keeps,
         * then removes the directories made since, when empty; adds a line to {@code done} for each
         * file it rewrote ({@code put back PATH}) or removed ({@code remove PATH}) as it goes.
         */
        void restore(Target target, List<String> done) throws IOException {
            for (Map.Entry<String, Optional<Kept>> e : files.entrySet()) {
                Path p = target.resolve(e.getKey());
                byte[] now = Change.read(p);
                if (e.getValue().isEmpty()) {
                    if (now != null) {
                        AtomicFiles.delete(p);
                        done.add("remove " + target.show(e.getKey()));
                    }
                } else {
                    Kept kept = e.getValue().get();
                    if (now == null || !Arrays.equals(now, kept.bytes()) || !Change.meta(p).equals(kept.meta())) {
                        AtomicFiles.write(p, kept.bytes(), kept.meta());
                        done.add("put back " + target.show(e.getKey()));
                    }
                }
            }
            for (String dir : newDirectories.reversed()) {
                Path d = target.resolve(dir);
                try (var entries = Files.list(d)) {
                    if (entries.findAny().isEmpty()) {
                        Files.delete(d);
                    }
                } catch (java.nio.file.NoSuchFileException gone) {
                    // never made
                }
            }
        }
    }
}

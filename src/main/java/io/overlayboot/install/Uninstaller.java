package io.overlayboot.install;

import io.overlayboot.files.Digests;
import io.overlayboot.core.ExitCode;
import io.overlayboot.core.OverlaybootException;
import io.overlayboot.files.AtomicFiles;
import io.overlayboot.files.RunLock;
import io.overlayboot.install.Manifest.Entry;
import io.overlayboot.install.Manifest.GrubMethod;
import io.overlayboot.install.Manifest.Original;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Puts a target back as it was before install, from the manifest: every replaced file gets its
 * original bytes, mode and owner back, every created file and directory goes, and the boot chain
 * is refreshed. A file changed since install is not overwritten without {@code --force}, except
 * {@code etc/default/grub}, from which only the kernel parameter is taken out so later edits stay.
 * With {@code --force}, a file whose backup is lost stays as it is, the rest is undone, and the run
 * ends with BAD_INPUT naming it.
 */
public final class Uninstaller {
    private final RunContext ctx;
    private final Target target;

    public Uninstaller(RunContext ctx) {
        this.ctx = ctx;
        this.target = ctx.target();
    }

    public Result uninstall() {
        try (RunLock lock = ctx.lock()) {
            target.checkNotLiveOverlay();
            Optional<Manifest> loaded = Manifest.load(target.root());
            if (loaded.isEmpty()) {
                if (!ctx.dryRun()) {
                    Installer.removeLeftovers(target, ctx.reporter());
                }
                ctx.reporter().line("overlayboot is not installed in " + target.show("") + "; nothing to do.");
                return new Result(ctx.dryRun(), List.of(), List.of(), "none");
            }
            return uninstall(loaded.get());
        } catch (IOException e) {
            throw new OverlaybootException(ExitCode.ENVIRONMENT, "Cannot release the lock: " + e.getMessage(), null, e);
        }
    }

    private Result uninstall(Manifest manifest) {
        List<Change> changes = new ArrayList<>();
        List<String> conflicts = new ArrayList<>();
        List<String> lost = new ArrayList<>();
        for (Entry e : manifest.files().reversed()) {
            byte[] now = Change.read(target.resolve(e.path()));
            String nowSha = now == null ? null : Digests.sha256Hex(now);
            if (e.original().isEmpty()) {
                if (now == null) {
                    continue;
                }
                if (!nowSha.equals(e.sha256())) {
                    conflicts.add(e.path());
                }
                changes.add(Change.remove(target, e.path()));
                continue;
            }
            Original o = e.original().get();
            if (now != null && nowSha.equals(o.sha256()) && Change.meta(target.resolve(e.path())).equals(o.meta())) {
                continue; // still the original (install stopped before it got here): no backup needed
            }
            byte[] original = backup(o);
            if (original == null) {
                lost.add(e.path());
                continue;
            }
            Change restore = Change.restore(target, e.path(), original, o.meta());
            if (restore.isNoop()) {
                continue;
            }
            if (now != null && !nowSha.equals(e.sha256()) && !nowSha.equals(o.sha256())) {
                Optional<Change> kept = keepLaterGrubEdits(manifest, e, now);
                if (kept.isPresent()) {
                    changes.add(kept.get());
                    continue;
                }
                conflicts.add(e.path());
            }
            changes.add(restore);
        }
        if (!conflicts.isEmpty() && !ctx.force()) {
            throw OverlaybootException.environment(conflicts.size() + " file(s) changed since install: "
                    + String.join(", ", conflicts.stream().map(target::show).toList()) + "; not overwriting them",
                    "undo those changes, or pass --force to put the originals back anyway (the changes are lost)");
        }
        boolean grub = manifest.grub() != GrubMethod.NONE;
        List<List<String>> commands = BootChain.commands(target, true, grub);
        List<String> shown = commands.stream().map(c -> BootChain.show(target, c)).toList();
        List<String> summary = changes.stream().map(c -> c.verb() + " " + c.path()).toList();
        if (!ctx.showAndConfirm("Uninstall overlayboot", changes, shown)) {
            return new Result(true, summary, shown, "would-run");
        }
        changes.forEach(c -> c.apply(target));
        for (Entry e : manifest.files()) {
            removeTemporaryFiles(e.path());
            e.original().ifPresent(o -> {
                delete(o.backup());
                removeTemporaryFiles(o.backup());
            });
        }
        delete(Manifest.PATH);
        removeTemporaryFiles(Manifest.PATH);
        for (String dir : manifest.directories().reversed()) {
            removeIfEmpty(dir);
        }
        changes.forEach(c -> ctx.reporter().line(c.verb() + " " + target.show(c.path())));
        boolean ran = new BootChain(target, ctx.reporter()).run(commands);
        if (ran) {
            ctx.reporter().line("overlayboot is uninstalled from " + target.show("") + "; the next boot is a plain one.");
        }
        if (!lost.isEmpty()) {
            throw OverlaybootException.badInput("Uninstalled, but could not put back " + lost.size() + " file(s) whose backup is"
                    + " missing or damaged: " + String.join(", ", lost.stream().map(target::show).toList())
                    + " (left as overlayboot wrote them)", "restore those files from a system backup");
        }
        return new Result(false, summary, shown, ran ? "ran" : "printed");
    }

    /** For an edited {@code etc/default/grub} the admin changed later: their text minus the kernel parameter. */
    private Optional<Change> keepLaterGrubEdits(Manifest manifest, Entry e, byte[] now) {
        if (manifest.grub() != GrubMethod.EDIT || !e.path().equals(Target.DEFAULT_GRUB) || ctx.force()) {
            return Optional.empty();
        }
        try {
            String text = new String(now, StandardCharsets.UTF_8);
            String without = GrubEditor.remove(text, "aufs");
            ctx.reporter().note(target.show(e.path()) + " changed since install: keeping those changes and taking out only aufs=");
            return Optional.of(Change.write(target, e.path(), without.getBytes(StandardCharsets.UTF_8), 0644, true));
        } catch (GrubParseException ex) {
            return Optional.empty();
        }
    }

    /** The original's bytes from its backup; null (only with --force) when the backup is missing or damaged. */
    private byte[] backup(Original o) {
        byte[] bytes = Change.read(target.resolve(o.backup()));
        if (bytes == null || !Digests.sha256Hex(bytes).equals(o.sha256())) {
            if (ctx.force()) {
                ctx.reporter().warn("the backup " + target.show(o.backup()) + " is missing or damaged; its file stays as it is");
                return null;
            }
            throw OverlaybootException.badInput("The backup " + target.show(o.backup()) + " is missing or damaged (hash differs)",
                    "restore it from a system backup; or pass --force to uninstall everything else and leave that file as it is");
        }
        return bytes;
    }

    /** Removes what an interrupted atomic write of {@code relative} left beside it. */
    private void removeTemporaryFiles(String relative) {
        try {
            for (java.nio.file.Path p : AtomicFiles.leftoversOf(target.resolve(relative))) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new OverlaybootException(ExitCode.ENVIRONMENT, "Cannot clean up beside " + target.show(relative) + ": "
                    + e.getMessage(), null, e);
        }
    }

    private void delete(String relative) {
        try {
            AtomicFiles.delete(target.resolve(relative));
        } catch (IOException e) {
            throw new OverlaybootException(ExitCode.ENVIRONMENT, "Cannot remove " + target.show(relative) + ": " + e.getMessage(), null, e);
        }
    }

    private void removeIfEmpty(String relative) {
        try {
            Files.deleteIfExists(target.resolve(relative));
        } catch (DirectoryNotEmptyException e) {
            ctx.reporter().note("keeping " + target.show(relative) + ": it holds files overlayboot did not put there");
        } catch (IOException e) {
            throw new OverlaybootException(ExitCode.ENVIRONMENT, "Cannot remove " + target.show(relative) + ": " + e.getMessage(), null, e);
        }
    }
}

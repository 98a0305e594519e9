package io.overlayboot.install;

import io.overlayboot.guard.Mark;

import io.overlayboot.core.OverlaybootException;
import io.overlayboot.files.Digests;
import io.overlayboot.install.Manifest.Entry;
import io.overlayboot.install.Manifest.GrubMethod;
import io.overlayboot.install.Manifest.Original;
import io.overlayboot.install.Plan.Closing;
import io.overlayboot.install.Plan.Notice;
import io.overlayboot.install.Plan.Records;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Plans putting a target back as it was before install, from the manifest: every replaced file gets
 * its original bytes, mode and owner back, every created file and directory goes, and the boot chain
 * is refreshed. A file changed since install is not overwritten without {@code --force}, except
 * {@code etc/default/grub}, from which only the kernel parameter is taken out so later edits stay.
 * With {@code --force}, a file whose backup is lost stays as it is, the rest is undone, and the run
 * ends with BAD_INPUT naming it.
 */
final class UninstallPlanner implements Planner {
    @Override
    public Plan plan(Target target, Optional<Manifest> installed, boolean force) {
        target.checkNotLiveOverlay();
        if (installed.isEmpty()) {
            return Plan.nothing(target, "overlayboot is not installed in " + target.show("") + "; nothing to do.");
        }
        Manifest manifest = installed.get();
        List<Notice> notices = new ArrayList<>();
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
            byte[] original = backup(target, o, force);
            if (original == null) {
                notices.add(Notice.warn("the backup " + target.show(o.backup()) + " is missing or damaged; its file stays as it is"));
                lost.add(e.path());
                continue;
            }
            Change restore = Change.restore(target, e.path(), original, o.meta());
            if (restore.isNoop()) {
                continue;
            }
            if (now != null && !nowSha.equals(e.sha256()) && !nowSha.equals(o.sha256())) {
                Optional<Change> kept = force ? Optional.empty() : keepLaterGrubEdits(target, manifest, e, now);
                if (kept.isPresent()) {
                    notices.add(Notice.note(target.show(e.path()) + " changed since install: keeping those changes and taking out only aufs="));
                    changes.add(kept.get());
                    continue;
                }
                conflicts.add(e.path());
            }
            changes.add(restore);
        }
        if (!conflicts.isEmpty() && !force) {
            throw OverlaybootException.environment(conflicts.size() + " file(s) changed since install: "
                    + String.join(", ", conflicts.stream().map(target::show).toList()) + "; not overwriting them",
                    "undo those changes, or pass --force to put the originals back anyway (the changes are lost)");
        }
        List<List<String>> commands = BootChain.Tools.of(target, InitrdGenerator.detect(target)).commands(true, manifest.grub() != GrubMethod.NONE);
        // The backups and the other directories first, the manifest last (with the directories install
        // made for it): a run stopped before it still finds what is left to undo.
        List<String> discard = new ArrayList<>();
        manifest.files().forEach(e -> e.original().ifPresent(o -> discard.add(o.backup())));
        discard.add(Mark.PATH); // the guard's note about an initrd: moot once overlayboot is gone
        List<String> manifestDirs = manifest.directories().stream().filter(d -> (Manifest.DIR + "/").startsWith(d + "/")).toList();
        List<String> otherDirs = manifest.directories().reversed().stream().filter(d -> !manifestDirs.contains(d)).toList();
        Records records = new Records(Optional.empty(), manifestDirs, List.of(), List.of(), discard,
                manifest.files().stream().map(Entry::path).toList(), otherDirs, Optional.empty());
        Closing closing = new Closing(List.of(), "overlayboot is uninstalled from " + target.show("")
                + "; the next boot is a plain one.", lost);
        return new Plan(target, "Uninstall overlayboot", Optional.empty(), notices, changes, commands, records, closing);
    }

    /** For an edited {@code etc/default/grub} the admin changed later: their text minus the kernel parameter. */
    private static Optional<Change> keepLaterGrubEdits(Target target, Manifest manifest, Entry e, byte[] now) {
        if (manifest.grub() != GrubMethod.EDIT || !e.path().equals(Target.DEFAULT_GRUB)) {
            return Optional.empty();
        }
        try {
            String without = GrubEditor.remove(new String(now, StandardCharsets.UTF_8), "aufs");
            return Optional.of(Change.write(target, e.path(), without.getBytes(StandardCharsets.UTF_8), 0644, true));
        } catch (GrubParseException ex) {
            return Optional.empty();
        }
    }

    /** The original's bytes from its backup; null (only with --force) when the backup is missing or damaged. */
    private static byte[] backup(Target target, Original o, boolean force) {
        byte[] bytes = Change.read(target.resolve(o.backup()));
        if (bytes == null || !Digests.sha256Hex(bytes).equals(o.sha256())) {
            if (force) {
                return null;
            }
            throw OverlaybootException.badInput("The backup " + target.show(o.backup()) + " is missing or damaged (hash differs)",
                    "restore it from a system backup; or pass --force to uninstall everything else and leave that file as it is");
        }
        return bytes;
    }
}

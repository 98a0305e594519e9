package io.overlayboot.install;

import io.overlayboot.core.ExitCode;
import io.overlayboot.core.OverlaybootException;
import io.overlayboot.files.RunLock;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * What install, uninstall and configure share: the target, where to report, how to confirm, the
 * flags, and the lock that keeps two runs from changing one target at the same time.
 *
 * @param dryRun only show the diff and the commands
 * @param force override the "changed since install" and "already overlaid" refusals
 * @param lockDir where the lock files live ({@link RunLock#defaultLockDir()})
 * @param lockWait how long to wait for another run to finish
 */
public record RunContext(Target target, Reporter reporter, Confirmation confirmation, boolean dryRun, boolean force,
        Path lockDir, Duration lockWait) {

    /** Takes the target's lock, or ends the run with ABORTED when another run keeps holding it. */
    RunLock lock() {
        try {
            Path file = RunLock.lockFileFor(lockDir, target.root());
            return RunLock.acquire(file, lockWait, holder -> reporter.progress("waiting for another overlayboot run on "
                    + target.show("") + " (" + holder + ") to finish")).orElseThrow(() -> new OverlaybootException(
                    ExitCode.ABORTED, "Another overlayboot run (" + RunLock.holder(file) + ") is changing " + target.show("")
                    + " and did not finish within " + lockWait.toSeconds() + " s", "wait for it to finish, then run again"));
        } catch (IOException e) {
            throw new OverlaybootException(ExitCode.ENVIRONMENT, "Cannot take the lock in " + lockDir + ": " + e.getMessage(),
                    null, e);
        }
    }

    /** Shows the plan (a diff on dry runs, a summary otherwise) and asks; false when nothing is to be done. */
    boolean showAndConfirm(String what, List<Change> changes, List<String> commands) {
        if (dryRun) {
            changes.forEach(c -> reporter.line(c.diff()));
            commands.forEach(c -> reporter.line("overlayboot would run: " + c));
            reporter.line("Dry run: " + changes.size() + " file(s) would change; nothing was changed.");
            return false;
        }
        if (confirmation == Confirmation.YES) {
            return true;
        }
        changes.forEach(c -> reporter.note(c.verb() + " " + target.show(c.path())));
        commands.forEach(c -> reporter.note("then run: " + c));
        if (!confirmation.confirm(what + " (" + changes.size() + " file(s) in " + target.show("") + ")?")) {
            throw new OverlaybootException(ExitCode.ABORTED, "Nothing changed: not confirmed", "pass --yes to skip the question");
        }
        return true;
    }
}

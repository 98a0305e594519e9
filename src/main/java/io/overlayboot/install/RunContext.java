package io.overlayboot.install;

import io.overlayboot.core.ExitCode;
import io.overlayboot.core.OverlaybootException;
import io.overlayboot.files.RunLock;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * What install, uninstall and configure share: the target, where to say what is being done, how to confirm, the
 * flags, and the lock that keeps two runs from changing one target at the same time.
 *
 * @param dryRun only show the diff and the commands
 * @param force override the "changed since install" and "already overlaid" refusals
 * @param lockDir where the lock files live ({@link RunLock#defaultLockDir()})
 * @param lockWait how long to wait for another run to finish
 */
public record RunContext(Target target, Log log, Confirmation confirmation, boolean dryRun, boolean force,
        Path lockDir, Duration lockWait) {

    /** Takes the target's lock, or ends the run with ABORTED when another run keeps holding it. */
    RunLock lock() {
        try {
            Path file = RunLock.lockFileFor(lockDir, target.root());
            return RunLock.acquire(file, lockWait, holder -> log.note("waiting for another overlayboot run on "
                    + target.show("") + " (" + holder + ") to finish")).orElseThrow(() -> new OverlaybootException(
                    ExitCode.ABORTED, "Another overlayboot run (" + RunLock.holder(file) + ") is changing " + target.show("")
                    + " and did not finish within " + lockWait.toSeconds() + " s", "wait for it to finish, then run again"));
        } catch (IOException e) {
            throw new OverlaybootException(ExitCode.ENVIRONMENT, "Cannot take the lock in " + lockDir + ": " + e.getMessage(),
                    null, e);
        }
    }
}

package io.overlayboot.install;

import io.overlayboot.core.OverlaybootException;
import java.util.List;

/**
 * A run that changed files of the target and then stopped: the boot chain failed after the files
 * were written (its output went to the {@link Log} as it ran), a later write failed (a full disk,
 * a file changed while the question was open), or uninstall {@code --force} could not put back
 * every file. It carries what was done, as the result's text reads ({@link #done()}),
 * and the error that stopped it: its message, hint and exit code are this exception's, so a
 * caller that does not look for it still ends the run with the right one line and code. The CLI
 * prints {@link #done()} on stdout, then the error.
 */
public final class Unfinished extends OverlaybootException {
    private static final long serialVersionUID = 1L;
    private final transient List<String> done;

    Unfinished(List<String> done, OverlaybootException cause) {
        super(cause.exitCode(), cause.getMessage(), cause.hint(), cause);
        this.done = List.copyOf(done);
    }

    /** The lines of what was done before the run stopped, in the words of {@link Result#lines()}. */
    public List<String> done() {
        return done;
    }

    /** The error that stopped the run. */
    public OverlaybootException error() {
        return (OverlaybootException) getCause();
    }
}

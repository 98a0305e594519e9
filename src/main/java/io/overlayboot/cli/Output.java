package io.overlayboot.cli;

import java.io.PrintWriter;

/**
 * Where a command speaks while it runs: its result goes to {@code out} (rendered by
 * {@link Execution}, or streamed by the command itself), warnings and progress to {@code err}.
 *
 * @param json whether {@code --json} was given (stdout then carries one JSON value and nothing else)
 */
record Output(PrintWriter out, PrintWriter err, boolean json) {
    void line(String text) {
        out.println(text);
    }

    void warn(String text) {
        err.println("overlayboot: warning: " + text);
    }

    /** A line of progress on stderr, flushed at once. */
    void progress(String text) {
        err.println(text);
        err.flush();
    }
}

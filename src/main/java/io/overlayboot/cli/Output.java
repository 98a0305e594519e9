package io.overlayboot.cli;

import io.overlayboot.install.Log;
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
        progress("overlayboot: warning: " + text);
    }

    /** A line of progress on stderr, flushed at once. */
    void progress(String text) {
        err.println(text);
        err.flush();
    }

    /** What is being done now, on stderr: {@code overlayboot: TEXT}. */
    void note(String text) {
        progress("overlayboot: " + text);
    }

    /**
     * This stderr as the {@link Log} of a domain run ({@code install}, {@code lock-boot}, ...): its
     * notes, warnings and the output of the commands it runs, each line as it comes.
     */
    Log log() {
        return new Log() {
            @Override
            public void note(String text) {
                Output.this.note(text);
            }

            @Override
            public void warn(String text) {
                Output.this.warn(text);
            }

            @Override
            public void output(String line) {
                progress(line);
            }
        };
    }
}

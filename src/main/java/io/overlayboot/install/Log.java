package io.overlayboot.install;

/**
 * Where a run that changes a target says what it is doing while it does it: progress, notes,
 * warnings and the output of the commands it runs, on stderr, as they happen (a boot chain takes
 * minutes). The run's result is not said here: {@link Apply} returns it as a {@link Result}, and
 * the CLI prints it once, as text or JSON. The CLI's stderr is one (see {@code cli/Output#log}).
 */
public interface Log {
    /** What is being done now, or a note about it: {@code overlayboot: TEXT}. */
    void note(String text);

    /** Something the user should know and may want to act on: {@code overlayboot: warning: TEXT}. */
    void warn(String text);

    /** One line a command printed while it ran, as it printed it. */
    void output(String line);

    /** Says nothing (tests, and runs whose progress nobody reads). */
    Log SILENT = new Log() {
        @Override
        public void note(String text) {}

        @Override
        public void warn(String text) {}

        @Override
        public void output(String line) {}
    };
}

package io.overlayboot.sys;

/**
 * The one error of {@link Exec}: a program could not start, was interrupted, ran past its time
 * limit or exited non-zero. The message names the command, its exit status (or why there is none)
 * and the tail of its output; {@link #result()} has all of it when the program ran.
 */
public final class ExecException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Why the program did not do what was asked. */
    public enum Reason {
        /** It could not be started (not installed, not executable). */
        CANNOT_START,
        /** We were interrupted while waiting; the program was killed. */
        INTERRUPTED,
        /** It ran past its time limit and was killed with every process it started. */
        TIMED_OUT,
        /** It exited with a status other than 0. */
        FAILED
    }

    private final Reason reason;
    private final transient Exec.Command command;
    private final transient Exec.Result result;

    ExecException(Reason reason, Exec.Command command, Exec.Result result, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
        this.command = command;
        this.result = result;
    }

    public Reason reason() {
        return reason;
    }

    /** The exit status; -1 when the program did not run to its end. */
    public int exitCode() {
        return result == null ? -1 : result.exitCode();
    }

    /** What the program did; null when it never ran to an end (could not start, interrupted). */
    public Exec.Result result() {
        return result;
    }

    /** The program and its arguments. */
    public java.util.List<String> command() {
        return result != null ? result.command() : command.argv();
    }
}

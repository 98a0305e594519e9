package io.overlayboot.core;

/**
 * The one exception type that ends a command with a message for the user and a named exit code.
 * The message is a single line naming the object, the bad value and the cause; the hint, when
 * present, says what to do about it.
 */
public class OverlaybootException extends RuntimeException {
    private final ExitCode exitCode;
    private final String hint;

    public OverlaybootException(ExitCode exitCode, String message) {
        this(exitCode, message, null, null);
    }

    public OverlaybootException(ExitCode exitCode, String message, String hint) {
        this(exitCode, message, hint, null);
    }

    public OverlaybootException(ExitCode exitCode, String message, String hint, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
        this.hint = hint;
    }

    public static OverlaybootException badInput(String message, String hint) {
        return new OverlaybootException(ExitCode.BAD_INPUT, message, hint);
    }

    public static OverlaybootException environment(String message, String hint) {
        return new OverlaybootException(ExitCode.ENVIRONMENT, message, hint);
    }

    public ExitCode exitCode() {
        return exitCode;
    }

    public String hint() {
        return hint;
    }

    /** The one line shown to the user: message, then the hint in parentheses. */
    public String userLine() {
        return hint == null ? getMessage() : getMessage() + " (hint: " + hint + ")";
    }
}

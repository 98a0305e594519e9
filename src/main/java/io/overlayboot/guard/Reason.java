package io.overlayboot.guard;

/**
 * Why a boot will not be protected, or why overlayboot cannot tell.
 *
 * @param unknown true when this means "cannot tell" rather than "will not protect"
 * @param text the reason, naming the file or entry
 * @param hint what to do about it, or empty
 */
public record Reason(boolean unknown, String text, String hint) {
    static Reason unprotected(String text, String hint) {
        return new Reason(false, text, hint);
    }

    static Reason cannotTell(String text, String hint) {
        return new Reason(true, text, hint);
    }

    /** {@code text (hint: hint)}. */
    public String line() {
        return hint.isEmpty() ? text : text + " (hint: " + hint + ")";
    }
}

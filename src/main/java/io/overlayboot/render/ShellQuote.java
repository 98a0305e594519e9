package io.overlayboot.render;

/**
 * Quotes values for POSIX sh. The only way rendered shell receives a value from a user, so the
 * templates never splice raw text into a script.
 */
public final class ShellQuote {
    private ShellQuote() {}

    /**
     * Returns {@code value} as one shell word: unchanged when it only holds characters sh never
     * interprets, else in single quotes with each {@code '} written as {@code '\''}.
     */
    public static String quote(String value) {
        if (!value.isEmpty() && value.chars().allMatch(ShellQuote::isSafe)) {
            return value;
        }
        return "'" + value.replace("'", "'\\''") + "'";
    }

    private static boolean isSafe(int c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || "%+,-./:=@_".indexOf(c) >= 0;
    }
}

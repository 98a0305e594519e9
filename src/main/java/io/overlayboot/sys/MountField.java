package io.overlayboot.sys;

/**
 * A field of the kernel's mount table ({@code /proc/mounts}, {@code /proc/self/mountinfo}) as the
 * kernel escapes it: space, tab, newline and backslash as three octal digits ({@code \040}). In
 * {@code sys/} so that the boot helper (whose jar holds only {@code helper/}, {@code settings/} and
 * {@code sys/}) and {@code files/ProcMounts} read mount points the same way.
 */
public final class MountField {
    private MountField() {}

    /** The field with each {@code \NNN} octal escape replaced by its character. */
    public static String unescape(String field) {
        if (field.indexOf('\\') < 0) {
            return field;
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            if (c == '\\' && i + 3 < field.length() && isOctal(field.charAt(i + 1)) && isOctal(field.charAt(i + 2))
                    && isOctal(field.charAt(i + 3))) {
                out.append((char) Integer.parseInt(field.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static boolean isOctal(char c) {
        return c >= '0' && c <= '7';
    }
}

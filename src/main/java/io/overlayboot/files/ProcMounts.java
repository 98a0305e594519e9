package io.overlayboot.files;

/** The text of the kernel's mount tables ({@code /proc/self/mounts}), shared by every reader of it. */
public final class ProcMounts {
    private ProcMounts() {}

    /** Undoes the octal escapes of a mount-table field ({@code \040} for a space, {@code \134} for a backslash). */
    public static String unescape(String field) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            if (c == '\\' && i + 3 < field.length() && field.substring(i + 1, i + 4).matches("[0-7]{3}")) {
                out.append((char) Integer.parseInt(field.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}

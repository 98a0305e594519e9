package io.overlayboot.initramfs;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks archive names and link targets before anything is written (no absolute names, no
 * {@code ..}, nothing the file system would get other bytes for), and shows names safely on a
 * terminal.
 */
final class SafeName {
    private SafeName() {}

    /**
     * Refuses a name that is not UTF-8 or that Java cannot give to the file system byte for byte
     * (its file name encoding, {@code sun.jnu.encoding}, follows the locale): two such names could
     * become the same file, the second silently replacing the first.
     */
    private static void writable(String s, String what, CpioEntry e, String where) throws ArchiveFormatException {
        if (NameBytes.hasEscapedBytes(s)) {
            throw new ArchiveFormatException(String.format(
                    "refusing %s '%s': it is not valid UTF-8, and extract writes names as UTF-8 (entry at %s offset %d)",
                    what, printable(s), where, e.offset()));
        }
        try {
            Path.of(s);
        } catch (InvalidPathException x) {
            throw new ArchiveFormatException(String.format(
                    "refusing %s '%s': this Java's file name encoding (%s) cannot write it byte for byte; run with a UTF-8"
                            + " locale, e.g. LC_ALL=C.UTF-8 (entry at %s offset %d)",
                    what, printable(s), System.getProperty("sun.jnu.encoding"), where, e.offset()));
        }
    }

    /**
     * The components of an entry's name, without {@code .} and empty ones; empty for the root.
     *
     * @throws ArchiveFormatException for absolute names and names with {@code ..}
     */
    static List<String> components(CpioEntry e, String where) throws ArchiveFormatException {
        String name = e.name();
        if (name.startsWith("/")) {
            throw new ArchiveFormatException(String.format(
                    "refusing absolute name '%s' (entry at %s offset %d)", printable(name), where, e.offset()));
        }
        if (name.indexOf('\0') >= 0) {
            throw new ArchiveFormatException(String.format(
                    "refusing a name with a NUL byte (entry at %s offset %d)", where, e.offset()));
        }
        writable(name, "name", e, where);
        if (e.isSymlink()) {
            if (e.linkTarget().isEmpty() || e.linkTarget().indexOf('\0') >= 0) {
                throw new ArchiveFormatException(String.format(
                        "refusing link '%s' with an empty target or a NUL byte in it (entry at %s offset %d)",
                        printable(name), where, e.offset()));
            }
            writable(e.linkTarget(), "link target", e, where);
        }
        List<String> out = new ArrayList<>();
        for (String c : name.split("/")) {
            if (c.isEmpty() || c.equals(".")) {
                continue;
            }
            if (c.equals("..")) {
                throw new ArchiveFormatException(String.format(
                        "refusing name '%s' with a '..' component (entry at %s offset %d)", printable(name), where, e.offset()));
            }
            out.add(c);
        }
        return out;
    }

    /**
     * A link target as it is written into the directory: an absolute target means a path inside the
     * initramfs, so it becomes relative to the link's directory ({@code /proc/mounts} for
     * {@code etc/mtab} becomes {@code ../proc/mounts}); the same inside the tree, and it cannot reach the
     * host's files. Relative targets are kept.
     *
     * @param depth the link's depth: 1 for an entry directly in the directory
     */
    static String relativeLinkTarget(String target, int depth) {
        if (!target.startsWith("/")) {
            return target;
        }
        String rest = target.replaceFirst("^/+", "");
        String up = "../".repeat(depth - 1);
        String out = up + rest;
        if (out.isEmpty()) {
            return ".";
        }
        return out.endsWith("/") && rest.isEmpty() ? out.substring(0, out.length() - 1) : out;
    }

    /**
     * {@code s} with what a terminal would act on shown as escapes: control characters as
     * {@code \n}, {@code \t}, {@code \xNN}, bytes that were not UTF-8 as {@code \xNN}, invisible
     * format characters (e.g. right-to-left overrides) as {@code &#92;u{NNNN}}, and a backslash as
     * {@code \\}. Text without any of these is returned as it is.
     */
    static String printable(String s) {
        int i = 0;
        while (i < s.length() && plain(s.charAt(i))) {
            i++;
        }
        if (i == s.length()) {
            return s;
        }
        StringBuilder b = new StringBuilder(s.length() + 16).append(s, 0, i);
        for (; i < s.length(); i++) {
            char c = s.charAt(i);
            if (plain(c)) {
                b.append(c);
            } else if (c == '\\') {
                b.append("\\\\");
            } else if (c == '\n') {
                b.append("\\n");
            } else if (c == '\t') {
                b.append("\\t");
            } else if (c == '\r') {
                b.append("\\r");
            } else if (c < 0x100) {
                b.append(String.format("\\x%02x", (int) c));
            } else if (NameBytes.isEscapedByte(c)) {
                b.append(String.format("\\x%02x", NameBytes.escapedByte(c)));
            } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                b.append(c).append(s.charAt(++i));
            } else {
                b.append(String.format("\\u{%04x}", (int) c));
            }
        }
        return b.toString();
    }

    private static boolean plain(char c) {
        if (c < 0x20 || c == 0x7f || c == '\\' || (c >= 0x80 && c < 0xa0)) {
            return false;
        }
        if (c < 0x80) {
            return true;
        }
        if (Character.isSurrogate(c)) {
            return false;
        }
        int t = Character.getType(c);
        return t != Character.FORMAT && t != Character.CONTROL && t != Character.LINE_SEPARATOR
                && t != Character.PARAGRAPH_SEPARATOR && t != Character.UNASSIGNED;
    }
}

package io.overlayboot.initramfs;

import java.util.Locale;

/**
 * One entry of a newc cpio archive as stored: the header fields, the name, and for symbolic links
 * the target (which newc stores as the entry's data).
 *
 * @param offset where the header starts: a file offset for an uncompressed segment, an offset in
 *     the decompressed data for a compressed one
 */
public record CpioEntry(
        String name,
        int mode,
        int uid,
        int gid,
        int nlink,
        long mtime,
        long size,
        long ino,
        int devMajor,
        int devMinor,
        int rdevMajor,
        int rdevMinor,
        String linkTarget,
        long offset) {

    static final int S_IFMT = 0170000;
    static final int S_IFSOCK = 0140000;
    static final int S_IFLNK = 0120000;
    static final int S_IFREG = 0100000;
    static final int S_IFBLK = 0060000;
    static final int S_IFDIR = 0040000;
    static final int S_IFCHR = 0020000;
    static final int S_IFIFO = 0010000;

    public boolean isDirectory() {
        return (mode & S_IFMT) == S_IFDIR;
    }

    public boolean isRegular() {
        return (mode & S_IFMT) == S_IFREG;
    }

    public boolean isSymlink() {
        return (mode & S_IFMT) == S_IFLNK;
    }

    public boolean isDevice() {
        int t = mode & S_IFMT;
        return t == S_IFBLK || t == S_IFCHR;
    }

    /** The type and permission bits as {@code ls -l} shows them, e.g. {@code drwxr-xr-x}. */
    public String modeString() {
        char[] s = new char[10];
        modeChars(mode, s, 0);
        return new String(s);
    }

    /** Writes what {@link #modeString} shows for {@code mode}, ten characters, into {@code out} at {@code at}. */
    static void modeChars(int mode, char[] out, int at) {
        out[at] = switch (mode & S_IFMT) {
            case S_IFDIR -> 'd';
            case S_IFLNK -> 'l';
            case S_IFBLK -> 'b';
            case S_IFCHR -> 'c';
            case S_IFIFO -> 'p';
            case S_IFSOCK -> 's';
            default -> '-';
        };
        String rwx = "rwxrwxrwx";
        for (int i = 0; i < 9; i++) {
            out[at + 1 + i] = (mode & (0400 >> i)) != 0 ? rwx.charAt(i) : '-';
        }
        if ((mode & 04000) != 0) out[at + 3] = (mode & 0100) != 0 ? 's' : 'S';
        if ((mode & 02000) != 0) out[at + 6] = (mode & 010) != 0 ? 's' : 'S';
        if ((mode & 01000) != 0) out[at + 9] = (mode & 01) != 0 ? 't' : 'T';
    }

    /** The name the kernel would create: without a leading {@code ./}. */
    public String path() {
        return name.startsWith("./") ? name.substring(2) : name;
    }

    String describe() {
        return String.format(Locale.ROOT, "'%s'", name);
    }
}

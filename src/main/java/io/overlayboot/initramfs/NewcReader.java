package io.overlayboot.initramfs;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Streams the entries of newc ({@code 070701}) and newc-with-checksum ({@code 070702}) cpio
 * archives. Entry data is never held in memory: {@link #next} skips what the caller did not read.
 * Like the kernel, it reads several archives in a row when {@code continueAfterTrailer} is set
 * (zero padding between them is skipped). Every error names the offset where it was found.
 */
final class NewcReader {
    static final int HEADER = 110;
    /** The kernel refuses names longer than PATH_MAX. */
    static final int MAX_NAME = 4096;
    static final int MAX_LINK = 4096;
    private static final byte[] TRAILER = "TRAILER!!!".getBytes(StandardCharsets.US_ASCII);

    /**
     * A stream whose {@link InputStream#skip} moves a position instead of reading into a buffer,
     * and returns 0 only at its end: the data of entries nobody reads is skipped that way.
     */
    interface CheapSkip {}

    private final InputStream in;
    private final boolean cheapSkip;
    private final boolean continueAfterTrailer;
    private final String where;
    private final long bound;
    private final byte[] header = new byte[HEADER];
    private final byte[] scratch;
    private long offset; // offset of the next byte in this stream's coordinates
    private long bodyLeft;
    private int bodyPad;
    private CpioEntry current;
    private boolean ended;
    private int peeked = -1;

    /**
     * @param in the archive bytes; read exactly, never beyond the last trailer's padding when
     *     {@code continueAfterTrailer} is false
     * @param startOffset the offset of the first byte of {@code in}, used in messages
     * @param where what the offsets refer to, e.g. "file" or "zstd data of segment at 1234"
     * @param bound the most bytes {@code in} can hold (file length), or Long.MAX_VALUE if unknown
     */
    NewcReader(InputStream in, long startOffset, String where, long bound, boolean continueAfterTrailer, byte[] scratch) {
        this.in = in;
        this.cheapSkip = in instanceof CheapSkip;
        this.offset = startOffset;
        this.where = where;
        this.bound = bound == Long.MAX_VALUE ? Long.MAX_VALUE : startOffset + bound;
        this.continueAfterTrailer = continueAfterTrailer;
        this.scratch = scratch;
    }

    long offset() {
        return offset;
    }

    /** The next entry, or null after the (last) trailer. */
    CpioEntry next() throws IOException {
        skipBody();
        if (ended) {
            return null;
        }
        while (true) {
            long at = offset;
            readHeader(at);
            CpioEntry e = parse(at);
            if (e == null) { // trailer
                if (!continueAfterTrailer || !skipZerosToNextArchive()) {
                    ended = true;
                    return null;
                }
                continue;
            }
            return e;
        }
    }

    /** Copies the current entry's data to {@code out}; returns the byte count. */
    long copyBody(OutputStream out) throws IOException {
        long total = 0;
        while (bodyLeft > 0) {
            int n = readSome(scratch, (int) Math.min(scratch.length, bodyLeft));
            out.write(scratch, 0, n);
            bodyLeft -= n;
            total += n;
        }
        return total;
    }

    private void skipBody() throws IOException {
        while (bodyLeft > 0) {
            long n = cheapSkip ? in.skip(bodyLeft) : 0;
            if (n > 0) {
                offset += n;
            } else {
                n = readSome(scratch, (int) Math.min(scratch.length, bodyLeft)); // or the error naming the entry
            }
            bodyLeft -= n;
        }
        if (bodyPad > 0) {
            int got = readFully(scratch, bodyPad);
            if (got < bodyPad) {
                throw truncated("padding after " + current.describe(), got, bodyPad);
            }
            bodyPad = 0;
        }
    }

    private int readSome(byte[] b, int len) throws IOException {
        int n = in.read(b, 0, len);
        if (n < 0) {
            throw new ArchiveFormatException(String.format(
                    "entry %s (header at %s offset %d) is truncated: %d of %d data bytes missing at offset %d",
                    current.name(), where, current.offset(), bodyLeft, current.size(), offset));
        }
        offset += n;
        return n;
    }

    private void readHeader(long at) throws IOException {
        int done = 0;
        if (peeked >= 0) {
            header[0] = (byte) peeked;
            peeked = -1;
            done = 1;
        }
        while (done < HEADER) {
            int n = in.read(header, done, HEADER - done);
            if (n < 0) {
                if (done == 0) {
                    throw new ArchiveFormatException(String.format(
                            "cpio archive in %s ends at offset %d without a TRAILER!!! entry (truncated)", where, at));
                }
                throw new ArchiveFormatException(String.format(
                        "cpio header at %s offset %d is truncated after %d of %d bytes", where, at, done, HEADER));
            }
            done += n;
        }
        offset = at + HEADER;
    }

    private CpioEntry parse(long at) throws IOException {
        if (header[0] != '0' || header[1] != '7' || header[2] != '0' || header[3] != '7' || header[4] != '0'
                || (header[5] != '1' && header[5] != '2')) {
            throw new ArchiveFormatException(String.format(
                    "no cpio newc header at %s offset %d: found bytes %s, expected \"070701\"",
                    where, at, hexPreview(header, 6)));
        }
        long ino = hex(1, at, "c_ino");
        int mode = (int) hex(2, at, "c_mode");
        int uid = (int) hex(3, at, "c_uid");
        int gid = (int) hex(4, at, "c_gid");
        int nlink = (int) hex(5, at, "c_nlink");
        long mtime = hex(6, at, "c_mtime");
        long size = hex(7, at, "c_filesize");
        int devMajor = (int) hex(8, at, "c_devmajor");
        int devMinor = (int) hex(9, at, "c_devminor");
        int rdevMajor = (int) hex(10, at, "c_rdevmajor");
        int rdevMinor = (int) hex(11, at, "c_rdevminor");
        long namesize = hex(12, at, "c_namesize");
        if (namesize < 1 || namesize > MAX_NAME + 1) {
            throw new ArchiveFormatException(String.format(
                    "cpio header at %s offset %d: name size %d is outside 1..%d", where, at, namesize, MAX_NAME + 1));
        }
        int nameLen = (int) namesize;
        int namePad = pad4(HEADER + nameLen);
        byte[] name = new byte[nameLen + namePad];
        int got = readFully(name, name.length);
        if (got < name.length) {
            throw truncated("the name of the entry at " + where + " offset " + at, got, name.length);
        }
        if (name[nameLen - 1] != 0) {
            throw new ArchiveFormatException(String.format(
                    "cpio header at %s offset %d: the name is not NUL-terminated", where, at));
        }
        if (nameLen - 1 == TRAILER.length && java.util.Arrays.equals(name, 0, nameLen - 1, TRAILER, 0, TRAILER.length)) {
            if (size > 0) {
                skipExactly(size + pad4(size), "data of TRAILER!!! at " + where + " offset " + at);
            }
            return null;
        }
        if (size > bound - offset) {
            throw new ArchiveFormatException(String.format(
                    "entry at %s offset %d declares %d data bytes, more than the %d left in the file",
                    where, at, size, Math.max(0, bound - offset)));
        }
        String n = NameBytes.decode(name, 0, nameLen - 1);
        String link = null;
        long linkSize = 0;
        if ((mode & CpioEntry.S_IFMT) == CpioEntry.S_IFLNK) {
            if (size > MAX_LINK) {
                throw new ArchiveFormatException(String.format(
                        "symbolic link '%s' at %s offset %d: target length %d exceeds %d", n, where, at, size, MAX_LINK));
            }
            byte[] t = new byte[(int) size + pad4(size)];
            int gotLink = readFully(t, t.length);
            if (gotLink < t.length) {
                throw truncated("the target of link '" + n + "' at " + where + " offset " + at, gotLink, t.length);
            }
            link = NameBytes.decode(t, 0, (int) size);
            linkSize = size;
            size = 0; // consumed
        }
        current = new CpioEntry(n, mode, uid, gid, nlink, mtime, link == null ? size : linkSize, ino,
                devMajor, devMinor, rdevMajor, rdevMinor, link, at);
        bodyLeft = link == null ? size : 0;
        bodyPad = link == null ? pad4(size) : 0;
        return current;
    }

    /** After a trailer: skips zeros; true if another archive starts, false at the end of the stream. */
    private boolean skipZerosToNextArchive() throws IOException {
        while (true) {
            int b = in.read();
            if (b < 0) {
                return false;
            }
            offset++;
            if (b == 0) {
                continue;
            }
            if (b == '0' && ((offset - 1) & 3) == 0) {
                peeked = b;
                offset--;
                return true;
            }
            throw new ArchiveFormatException(String.format(
                    "unexpected byte 0x%02x at %s offset %d after a cpio TRAILER!!!", b, where, offset - 1));
        }
    }

    private long hex(int field, long at, String what) throws ArchiveFormatException {
        int start = 6 + (field - 1) * 8;
        long v = 0;
        for (int i = start; i < start + 8; i++) {
            int c = header[i];
            int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
            if (d < 0) {
                throw new ArchiveFormatException(String.format(
                        "cpio header at %s offset %d: field %s is not hexadecimal (%s)",
                        where, at, what, hexPreview(java.util.Arrays.copyOfRange(header, start, start + 8), 8)));
            }
            v = (v << 4) | d;
        }
        return v;
    }

    /**
     * Reads up to {@code len} bytes; returns how many there were before the end of the stream. The
     * caller names what was cut ({@link #truncated}) only when it was: building that text for every
     * entry was a measurable part of a listing.
     */
    private int readFully(byte[] b, int len) throws IOException {
        int done = 0;
        while (done < len) {
            int n = in.read(b, done, len - done);
            if (n < 0) {
                break;
            }
            done += n;
        }
        offset += done;
        return done;
    }

    /** {@code what} ended after {@code done} of its {@code len} bytes, at the current offset. */
    private ArchiveFormatException truncated(String what, int done, int len) {
        return new ArchiveFormatException(String.format("%s is truncated at offset %d (%d of %d bytes)", what, offset, done, len));
    }

    private void skipExactly(long len, String what) throws IOException {
        long left = len;
        while (left > 0) {
            int n = in.read(scratch, 0, (int) Math.min(scratch.length, left));
            if (n < 0) {
                throw new ArchiveFormatException(String.format("%s is truncated at offset %d", what, offset));
            }
            left -= n;
            offset += n;
        }
    }

    static int pad4(long n) {
        return (int) ((4 - (n & 3)) & 3);
    }

    static String hexPreview(byte[] b, int n) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < Math.min(n, b.length); i++) {
            int c = b[i] & 0xff;
            s.append(c >= 0x20 && c < 0x7f ? String.valueOf((char) c) : String.format("\\x%02x", c));
        }
        return "\"" + s + "\"";
    }
}

package io.overlayboot.initramfs;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;

/**
 * Writes a newc cpio archive the way reproducible builds want it: entries in the order given,
 * uid/gid 0, one fixed mtime, inode numbers counting up from 1, device numbers 0. {@link #close}
 * writes the trailer and pads the archive to 4 bytes (what the kernel needs), not to 512.
 */
final class NewcWriter implements Closeable {
    private final OutputStream out;
    private final long mtime;
    private final byte[] header = new byte[NewcReader.HEADER];
    private final byte[] copyBuf;
    private long ino = 1;
    private long written;
    private boolean closed;

    NewcWriter(OutputStream out, long mtime) {
        this(out, mtime, new byte[1 << 20]);
    }

    NewcWriter(OutputStream out, long mtime, byte[] copyBuf) {
        this.out = out;
        this.mtime = mtime;
        this.copyBuf = copyBuf;
    }

    long written() {
        return written;
    }

    void write(PackEntry e) throws IOException {
        byte[] data = e.linkTarget() != null ? e.linkTarget().getBytes(StandardCharsets.UTF_8) : e.bytes();
        int nlink = e.isDirectory() ? 2 : 1;
        writeHeader(e.name(), e.mode(), nlink, e.size(), ino++);
        if (data != null) {
            out.write(data);
            written += data.length;
        } else if (e.file() != null) {
            copyFile(e);
        }
        pad(e.size());
    }

    private void copyFile(PackEntry e) throws IOException {
        long left = e.size();
        try (InputStream in = Files.newInputStream(e.file())) {
            while (left > 0) {
                int n = in.read(copyBuf, 0, (int) Math.min(copyBuf.length, left));
                if (n < 0) {
                    throw new IOException(String.format(
                            "'%s' shrank while being packed: %d of %d bytes read", e.file(), e.size() - left, e.size()));
                }
                out.write(copyBuf, 0, n);
                left -= n;
            }
        }
        written += e.size();
    }

    private void writeHeader(String name, int mode, int nlink, long size, long inode) throws IOException {
        if (size > 0xffffffffL) {
            throw new IOException(String.format("'%s' is %d bytes; newc cpio holds at most 4 GiB per file", name, size));
        }
        byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
        header[0] = '0';
        header[1] = '7';
        header[2] = '0';
        header[3] = '7';
        header[4] = '0';
        header[5] = '1';
        long[] fields = {inode, mode & 0xffffffffL, 0, 0, nlink, mtime, size, 0, 0, 0, 0, nameBytes.length + 1, 0};
        for (int f = 0; f < fields.length; f++) {
            hex8(fields[f], 6 + f * 8);
        }
        out.write(header);
        out.write(nameBytes);
        int namePad = NewcReader.pad4(NewcReader.HEADER + nameBytes.length + 1);
        out.write(ZEROS, 0, 1 + namePad);
        written += NewcReader.HEADER + nameBytes.length + 1 + namePad;
    }

    private void hex8(long v, int at) {
        for (int i = 7; i >= 0; i--) {
            header[at + i] = HEX[(int) (v & 0xf)];
            v >>>= 4;
        }
    }

    private void pad(long size) throws IOException {
        int p = NewcReader.pad4(size);
        out.write(ZEROS, 0, p);
        written += p;
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        writeHeader("TRAILER!!!", 0, 1, 0, 0);
        out.close();
    }

    private static final byte[] ZEROS = new byte[8];
    private static final byte[] HEX = "0123456789ABCDEF".getBytes(StandardCharsets.US_ASCII);
}

package io.overlayboot.initramfs;

import java.io.IOException;
import java.io.InputStream;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Decompresses exactly one gzip member from a {@link ChannelInput} and leaves the input positioned
 * right after the member's trailer, so the segment that follows can be found. The CRC and length
 * in the trailer are checked.
 */
final class GzipMemberInput extends InputStream {
    private final ChannelInput in;
    private final long start;
    private final Inflater inflater = new Inflater(true);
    private final CRC32 crc = new CRC32();
    private final byte[] inBuf = new byte[1 << 16];
    private long produced;
    private boolean done;

    GzipMemberInput(ChannelInput in) throws IOException {
        this.in = in;
        this.start = in.position();
        readHeader();
    }

    private void readHeader() throws IOException {
        byte[] h = new byte[10];
        in.readFully(h, 0, 10, "gzip header");
        if ((h[0] & 0xff) != 0x1f || (h[1] & 0xff) != 0x8b || h[2] != 8) {
            throw new ArchiveFormatException(String.format(
                    "gzip segment at offset %d: not a deflate gzip header (method %d)", start, h[2] & 0xff));
        }
        int flags = h[3] & 0xff;
        if ((flags & 4) != 0) {
            byte[] x = new byte[2];
            in.readFully(x, 0, 2, "gzip extra field length");
            in.skip((x[0] & 0xff) | (x[1] & 0xff) << 8);
        }
        if ((flags & 8) != 0) {
            skipZeroTerminated("gzip file name");
        }
        if ((flags & 16) != 0) {
            skipZeroTerminated("gzip comment");
        }
        if ((flags & 2) != 0) {
            in.skip(2);
        }
    }

    private void skipZeroTerminated(String what) throws IOException {
        int b;
        while ((b = in.read()) > 0) {
            // skip
        }
        if (b < 0) {
            throw new ArchiveFormatException(String.format("%s of the gzip segment at offset %d is truncated", what, start));
        }
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (done) {
            return -1;
        }
        try {
            while (true) {
                int n = inflater.inflate(b, off, len);
                if (n > 0) {
                    crc.update(b, off, n);
                    produced += n;
                    return n;
                }
                if (inflater.finished()) {
                    finish();
                    return -1;
                }
                if (inflater.needsDictionary()) {
                    throw new ArchiveFormatException(String.format("gzip segment at offset %d needs a preset dictionary", start));
                }
                if (inflater.needsInput()) {
                    int r = in.read(inBuf, 0, inBuf.length);
                    if (r < 0) {
                        throw new ArchiveFormatException(String.format(
                                "gzip segment at offset %d is truncated at offset %d", start, in.position()));
                    }
                    inflater.setInput(inBuf, 0, r);
                }
            }
        } catch (DataFormatException e) {
            throw new ArchiveFormatException(String.format(
                    "gzip segment at offset %d is corrupt near offset %d: %s", start, in.position(), e.getMessage()));
        }
    }

    private void finish() throws IOException {
        in.seek(in.position() - inflater.getRemaining());
        byte[] t = new byte[8];
        in.readFully(t, 0, 8, "gzip trailer");
        long storedCrc = le32(t, 0);
        long storedSize = le32(t, 4);
        if (storedCrc != crc.getValue() || storedSize != (produced & 0xffffffffL)) {
            throw new ArchiveFormatException(String.format(
                    "gzip segment at offset %d fails its check: CRC/length in the trailer at offset %d do not match the data",
                    start, in.position() - 8));
        }
        done = true;
        inflater.end();
    }

    static long le32(byte[] b, int i) {
        return (b[i] & 0xffL) | (b[i + 1] & 0xffL) << 8 | (b[i + 2] & 0xffL) << 16 | (b[i + 3] & 0xffL) << 24;
    }

    @Override
    public void close() {
        inflater.end();
    }
}

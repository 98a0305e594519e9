package io.overlayboot.initramfs;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * A buffered input stream over a file channel that knows the file offset of the next byte it
 * returns and can look ahead without consuming. Decoders read from it directly, so the position
 * after a decoder finishes is where its data ended ({@link ZstdSegmentInput} reads the channel
 * itself and then moves the position to the end of its frame).
 */
final class ChannelInput extends InputStream implements NewcReader.CheapSkip {
    private final FileChannel channel;
    private final long size;
    private final byte[] buf;
    private long bufStart; // file offset of buf[0]
    private int pos;
    private int lim;

    ChannelInput(FileChannel channel, int bufferSize) throws IOException {
        this.channel = channel;
        this.size = channel.size();
        this.buf = new byte[bufferSize];
    }

    long size() {
        return size;
    }

    /** The file, for a decoder that reads it directly ({@link ZstdSegmentInput}). */
    FileChannel channel() {
        return channel;
    }

    long position() {
        return bufStart + pos;
    }

    /** Moves to {@code offset}; keeps the buffer when the offset is inside it. */
    void seek(long offset) {
        if (offset >= bufStart && offset <= bufStart + lim) {
            pos = (int) (offset - bufStart);
        } else {
            bufStart = offset;
            pos = 0;
            lim = 0;
        }
    }

    /** Bytes left in the file. */
    long remaining() {
        return Math.max(0, size - position());
    }

    /** Returns up to {@code n} next bytes without consuming them (fewer at the end). */
    byte[] peek(int n) throws IOException {
        fill(n);
        int have = (int) Math.min(Math.min(n, lim - pos), remaining());
        byte[] out = new byte[Math.max(have, 0)];
        System.arraycopy(buf, pos, out, 0, out.length);
        return out;
    }

    private void fill(int want) throws IOException {
        if (lim - pos >= want) {
            return;
        }
        if (pos > 0) {
            System.arraycopy(buf, pos, buf, 0, lim - pos);
            bufStart += pos;
            lim -= pos;
            pos = 0;
        }
        while (lim < want) {
            int n = channel.read(ByteBuffer.wrap(buf, lim, buf.length - lim), bufStart + lim);
            if (n <= 0) {
                return;
            }
            lim += n;
        }
    }

    @Override
    public int read() throws IOException {
        if (remaining() <= 0) {
            return -1;
        }
        if (pos >= lim) {
            fill(1);
            if (pos >= lim) {
                return -1;
            }
        }
        return buf[pos++] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        long rem = remaining();
        if (rem <= 0) {
            return -1;
        }
        len = (int) Math.min(len, rem);
        if (pos >= lim) {
            if (len >= buf.length) {
                // Large reads go straight to the caller's array.
                int n = channel.read(ByteBuffer.wrap(b, off, len), position());
                if (n <= 0) {
                    return -1;
                }
                bufStart += pos + n;
                pos = 0;
                lim = 0;
                return n;
            }
            fill(1);
            if (pos >= lim) {
                return -1;
            }
        }
        int n = Math.min(len, lim - pos);
        System.arraycopy(buf, pos, b, off, n);
        pos += n;
        return n;
    }

    @Override
    public long skip(long n) {
        long k = Math.max(0, Math.min(n, remaining()));
        seek(position() + k);
        return k;
    }

    /** Reads exactly {@code len} bytes or throws an error naming the offset. */
    void readFully(byte[] b, int off, int len, String what) throws IOException {
        long at = position();
        int done = 0;
        while (done < len) {
            int n = read(b, off + done, len - done);
            if (n < 0) {
                throw new EOFException(String.format(
                        "%s at offset %d is truncated: needs %d bytes, the file has %d", what, at, len, done));
            }
            done += n;
        }
    }
}

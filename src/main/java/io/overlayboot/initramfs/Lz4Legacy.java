package io.overlayboot.initramfs;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.commons.compress.compressors.lz4.BlockLZ4CompressorInputStream;
import org.apache.commons.compress.compressors.lz4.BlockLZ4CompressorOutputStream;

/**
 * The LZ4 "legacy" frame the kernel reads for initramfs ({@code lz4 -l}): the magic 0x184C2102,
 * then blocks of at most 8 MiB of data, each preceded by its compressed length (little-endian).
 * There is no end mark: the kernel reads blocks until its input ends and skips a repeated magic,
 * so anything appended after an lz4 segment must itself be lz4. This reader ends a segment at a
 * repeated magic (the next segment starts there) or at the end of the file.
 */
final class Lz4Legacy {
    static final int MAGIC = 0x184C2102;
    static final int BLOCK = 8 << 20;
    /** LZ4_compressBound(8 MiB). */
    static final int MAX_CHUNK = BLOCK + BLOCK / 255 + 16;

    private Lz4Legacy() {}

    /** Decodes one legacy-frame segment starting at the input's position. */
    static final class Input extends InputStream {
        private final ChannelInput in;
        private final long start;
        private byte[] block = new byte[0];
        private int pos;
        private int lim;
        private boolean done;

        Input(ChannelInput in) throws IOException {
            this.in = in;
            this.start = in.position();
            byte[] m = new byte[4];
            in.readFully(m, 0, 4, "lz4 magic");
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            while (pos >= lim) {
                if (done || !nextBlock()) {
                    done = true;
                    return -1;
                }
            }
            int n = Math.min(len, lim - pos);
            System.arraycopy(block, pos, b, off, n);
            pos += n;
            return n;
        }

        private boolean nextBlock() throws IOException {
            byte[] h = in.peek(4);
            if (h.length < 4) {
                in.skip(h.length);
                return false;
            }
            long size = GzipMemberInput.le32(h, 0);
            if (size == (MAGIC & 0xffffffffL) || size == 0) {
                return false; // another lz4 stream (a new segment), or zero padding
            }
            long at = in.position();
            if (size > MAX_CHUNK) {
                throw new ArchiveFormatException(String.format(
                        "lz4 segment at offset %d: block at offset %d declares %d bytes, more than %d", start, at, size, MAX_CHUNK));
            }
            in.skip(4);
            byte[] chunk = new byte[(int) size];
            in.readFully(chunk, 0, chunk.length, "lz4 block (segment at offset " + start + ")");
            ByteArrayOutputStream out = new ByteArrayOutputStream(BLOCK);
            try (InputStream d = new BlockLZ4CompressorInputStream(new ByteArrayInputStream(chunk))) {
                byte[] buf = new byte[1 << 16];
                int n;
                while ((n = d.read(buf)) > 0) {
                    out.write(buf, 0, n);
                    if (out.size() > BLOCK) {
                        throw new ArchiveFormatException(String.format(
                                "lz4 segment at offset %d: block at offset %d decodes to more than 8 MiB", start, at));
                    }
                }
            } catch (ArchiveFormatException e) {
                throw e;
            } catch (IOException | RuntimeException e) {
                throw new ArchiveFormatException(String.format(
                        "lz4 segment at offset %d: block at offset %d is corrupt: %s", start, at, e.getMessage()));
            }
            block = out.toByteArray();
            pos = 0;
            lim = block.length;
            return true;
        }
    }

    /** Writes a legacy frame; blocks are compressed when 8 MiB are buffered and on close. */
    static final class Output extends OutputStream {
        private final OutputStream out;
        private final byte[] buf = new byte[BLOCK];
        private int len;
        private final boolean highCompression;

        Output(OutputStream out, int level) throws IOException {
            this.out = out;
            this.highCompression = level >= 3;
            writeLe32(MAGIC);
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int n) throws IOException {
            while (n > 0) {
                int k = Math.min(n, BLOCK - len);
                System.arraycopy(b, off, buf, len, k);
                len += k;
                off += k;
                n -= k;
                if (len == BLOCK) {
                    flushBlock();
                }
            }
        }

        private void flushBlock() throws IOException {
            if (len == 0) {
                return;
            }
            ByteArrayOutputStream c = new ByteArrayOutputStream(len / 2);
            var params = highCompression
                    ? BlockLZ4CompressorOutputStream.createParameterBuilder().tunedForCompressionRatio().build()
                    : BlockLZ4CompressorOutputStream.createParameterBuilder().tunedForSpeed().build();
            try (BlockLZ4CompressorOutputStream z = new BlockLZ4CompressorOutputStream(c, params)) {
                z.write(buf, 0, len);
            }
            writeLe32(c.size());
            c.writeTo(out);
            len = 0;
        }

        private void writeLe32(int v) throws IOException {
            out.write(new byte[] {(byte) v, (byte) (v >>> 8), (byte) (v >>> 16), (byte) (v >>> 24)});
        }

        @Override
        public void close() throws IOException {
            flushBlock();
            out.close();
        }
    }
}

package io.overlayboot.initramfs;

import com.github.luben.zstd.ZstdDecompressCtx;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * The decoded bytes of one zstd frame of an initrd. Compressed bytes are read from the file
 * straight into a direct buffer and decoded by zstd-jni into another, so no byte of the frame
 * passes through the Java heap, and {@link #skip} (which {@link NewcReader} uses for the data of
 * the entries a listing does not read) only moves a position. The frame ends where zstd reports
 * it complete (its checksum verified); the {@link ChannelInput} is then left right after it, where
 * the next segment starts, as the kernel reads one frame per segment.
 */
final class ZstdSegmentInput extends InputStream implements NewcReader.CheapSkip {
    /** Compressed bytes read per system call. */
    private static final int SOURCE = 1 << 20;
    /** Decoded bytes per call into zstd: its recommended output size is 128 KiB, more costs nothing. */
    private static final int TARGET = 1 << 18;

    private final ChannelInput in;
    private final FileChannel channel;
    private final long start;
    private final ZstdDecompressCtx zstd = new ZstdDecompressCtx();
    private final ByteBuffer source = ByteBuffer.allocateDirect(SOURCE).flip();
    private final ByteBuffer target;
    private long sourceAt; // file offset of source[0]
    private boolean done;
    private boolean pending; // the last call filled the target: zstd may hold more decoded bytes

    ZstdSegmentInput(ChannelInput in) {
        this(in, TARGET);
    }

    /** With a target buffer of {@code targetSize} bytes (small ones in tests). */
    ZstdSegmentInput(ChannelInput in, int targetSize) {
        this.target = ByteBuffer.allocateDirect(targetSize).flip();
        this.in = in;
        this.channel = in.channel();
        this.start = in.position();
        this.sourceAt = start;
    }

    /** Decodes the next bytes into {@link #target}; false at the end of the frame. */
    private boolean fill() throws IOException {
        if (done) {
            return false;
        }
        target.clear();
        while (target.position() == 0 && !done) {
            // More input only when zstd has none left and holds no decoded bytes. ZSTD_decompressStream
            // may consume a frame's last input while decoded bytes still wait for room in the target
            // (its contract allows it; libzstd 1.5.7 keeps the last bytes until then, ZstdSegmentInputTest),
            // and a read at the end of the file would then call a complete frame truncated.
            if (!source.hasRemaining() && !pending) {
                sourceAt += source.limit();
                source.clear();
                int n = channel.read(source, sourceAt);
                source.flip();
                if (n <= 0) {
                    throw new ArchiveFormatException(String.format(
                            "zstd frame at offset %d is truncated: the file ends at offset %d before the frame does",
                            start, sourceAt));
                }
                in.seek(sourceAt + n); // for messages: how far the file was read
            }
            done = zstd.decompressDirectByteBufferStream(target, source);
            pending = !target.hasRemaining();
        }
        target.flip();
        if (done) {
            in.seek(sourceAt + source.position());
        }
        return target.hasRemaining();
    }

    @Override
    public int read() throws IOException {
        if (!target.hasRemaining() && !fill()) {
            return -1;
        }
        return target.get() & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        if (!target.hasRemaining() && !fill()) {
            return -1;
        }
        int n = Math.min(len, target.remaining());
        target.get(b, off, n);
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        long left = n;
        while (left > 0 && (target.hasRemaining() || fill())) {
            int k = (int) Math.min(left, target.remaining());
            target.position(target.position() + k);
            left -= k;
        }
        return n - left;
    }

    @Override
    public void close() {
        zstd.close();
    }
}

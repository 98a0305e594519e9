package io.overlayboot.initramfs;

import com.github.luben.zstd.ZstdDecompressCtx;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * The decoded bytes of one zstd frame of an initrd.
 *
 * <p>Compressed bytes are read from the file straight into a direct buffer and decoded by
 * zstd-jni into other direct buffers, so no byte of the frame passes through the Java heap, and
 * {@link #skip} (which {@link NewcReader} uses for the data of the entries a listing does not read)
 * only moves a position. The frame ends where zstd reports it complete, its checksum verified; the
 * {@link ChannelInput} is then left right after it, where the next segment starts, as the kernel
 * reads one frame per segment.
 *
 * <p>Decoding runs on a thread of its own, {@value #BUFFERS} buffers ahead of the reader: on a
 * machine with a second core, listing or extracting the entries overlaps with decompressing the
 * rest, so the whole takes about the time of the decompression alone. The buffers bound the memory
 * ({@value #TARGET} bytes each), whatever the size of the initrd. The thread is a daemon, ends at
 * the end of the frame, at an error (handed to the reader, after the data before it), or when the
 * stream is closed, and it alone touches the zstd context and the file channel until it has ended.
 * It is told to stop by a flag, not by an interrupt: an interrupt during a read would close the
 * file channel, which the reader still uses.
 */
final class ZstdSegmentInput extends InputStream implements NewcReader.CheapSkip {
    /** Compressed bytes read per system call. */
    private static final int SOURCE = 1 << 20;
    /** Decoded bytes per buffer: zstd's recommended output size is 128 KiB; larger ones cost nothing more. */
    private static final int TARGET = 1 << 18;
    /** Buffers between the decoding thread and the reader. */
    static final int BUFFERS = 4;
    private static final ByteBuffer END = ByteBuffer.allocate(0);

    private final ChannelInput in;
    private final long start;
    private final BlockingQueue<ByteBuffer> full = new ArrayBlockingQueue<>(BUFFERS + 1);
    private final BlockingQueue<ByteBuffer> empty = new ArrayBlockingQueue<>(BUFFERS);
    private final Thread decoder;
    private ByteBuffer current = END;
    private boolean ended;
    private volatile boolean stopped;

    // written by the decoding thread before it queues END, read by the reader after taking END
    private long frameEnd;
    private long readUpTo;
    private Throwable failure;

    ZstdSegmentInput(ChannelInput in) {
        this(in, TARGET);
    }

    /** With buffers of {@code targetSize} bytes (small ones in tests). */
    ZstdSegmentInput(ChannelInput in, int targetSize) {
        this.in = in;
        this.start = in.position();
        for (int i = 0; i < BUFFERS; i++) {
            empty.add(ByteBuffer.allocateDirect(targetSize));
        }
        FileChannel channel = in.channel();
        decoder = Thread.ofPlatform().daemon().name("overlayboot-zstd").unstarted(() -> decode(channel));
        decoder.start();
    }

    /** The decoding thread: fills empty buffers until the frame is complete. */
    private void decode(FileChannel channel) {
        ByteBuffer source = ByteBuffer.allocateDirect(SOURCE).flip();
        long sourceAt = start; // file offset of source[0]
        boolean pending = false; // the last call filled its buffer: zstd may hold more decoded bytes
        try (ZstdDecompressCtx zstd = new ZstdDecompressCtx()) {
            boolean done = false;
            while (!done) {
                ByteBuffer target = empty.take();
                if (stopped) {
                    return; // closed before the end: nobody reads on
                }
                target.clear();
                while (target.hasRemaining() && !done) {
                    // More input only when zstd has none left and holds no decoded bytes.
                    // ZSTD_decompressStream may consume a frame's last input while decoded bytes
                    // still wait for room (its contract allows it; libzstd 1.5.7 keeps the last
                    // bytes until then), and a read at the end of the file would then call a
                    // complete frame truncated.
                    if (!source.hasRemaining() && !pending) {
                        sourceAt += source.limit();
                        source.clear();
                        int n = channel.read(source, sourceAt);
                        source.flip();
                        readUpTo = sourceAt + Math.max(n, 0);
                        if (n <= 0) {
                            throw new ArchiveFormatException(String.format(
                                    "zstd frame at offset %d is truncated: the file ends at offset %d before the frame does",
                                    start, sourceAt));
                        }
                    }
                    done = zstd.decompressDirectByteBufferStream(target, source);
                    pending = !target.hasRemaining();
                }
                full.put(target.flip());
            }
            frameEnd = sourceAt + source.position();
        } catch (InterruptedException e) {
            failure = e; // nobody interrupts this thread; if someone did, the reader hears of it
        } catch (Throwable e) {
            failure = e;
        }
        full.add(END); // never blocks: the queue holds every buffer and END
    }

    /** Makes {@link #current} hold unread bytes; false at the end of the frame. */
    private boolean next() throws IOException {
        if (current.hasRemaining()) {
            return true;
        }
        if (ended) {
            return false;
        }
        if (current != END) {
            empty.add(current);
        }
        try {
            current = full.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while reading the zstd frame at offset " + start);
        }
        if (current != END) {
            return current.hasRemaining() || next();
        }
        ended = true;
        if (failure != null) {
            in.seek(readUpTo); // for the message: how far the file was read
            switch (failure) {
                case IOException e -> throw e;
                case RuntimeException e -> throw e;
                case Error e -> throw e;
                case InterruptedException e -> throw new InterruptedIOException("the zstd decoder was interrupted");
                default -> throw new IOException(failure);
            }
        }
        in.seek(frameEnd);
        return false;
    }

    @Override
    public int read() throws IOException {
        return next() ? current.get() & 0xff : -1;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        if (!next()) {
            return -1;
        }
        int n = Math.min(len, current.remaining());
        current.get(b, off, n);
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        long left = n;
        while (left > 0 && next()) {
            int k = (int) Math.min(left, current.remaining());
            current.position(current.position() + k);
            left -= k;
        }
        return n - left;
    }

    /**
     * Stops the decoding thread, if the frame was not read to its end, and waits for it: at most
     * the time of one read or one buffer's decoding.
     */
    @Override
    public void close() throws IOException {
        stopped = true;
        empty.offer(END); // wakes it if it waits for a buffer
        try {
            decoder.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while stopping the zstd decoder");
        }
    }
}

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
 * <p>Two ways to decode, chosen by the caller ({@link InitrdReader.Visitor#decodeAhead}):
 *
 * <ul>
 *   <li><b>Here</b> (the default): every buffer is decoded by the reader's own thread, into one
 *       buffer of {@value #TARGET} bytes used over and over, and no thread is started. A listing
 *       does little per entry, and most of what it reads it skips; handing buffers to another
 *       thread cost it more than the overlap gained (docs/initramfs.md, "One thread for a
 *       listing").
 *   <li><b>Ahead</b>: the first buffer is decoded by the reader; a frame that holds more goes on
 *       being decoded on a thread of its own, up to {@value #BUFFERS} buffers ahead of the reader.
 *       Extracting writes every byte to files, so on a machine with a second core the writing
 *       overlaps with decompressing the rest, and the whole takes about the time of the
 *       decompression alone. Small frames (an appended overlay, one of many segments) cost no
 *       thread and one buffer.
 * </ul>
 *
 * <p>Memory is bounded whatever the initrd's size: the buffers of one segment, whose direct memory
 * the garbage collector frees.
 *
 * <p>The thread is a daemon, ends at the end of the frame, at an error (handed to the reader after
 * the data before it, and again at every later read), or when the stream is closed; while it runs,
 * it alone touches the zstd context and the file channel. It is told to stop by a flag, not by an
 * interrupt: an interrupt during a read would close the file channel, which the reader still uses.
 * A read after {@link #close} is an {@link IOException} in both ways.
 */
final class ZstdSegmentInput extends InputStream implements NewcReader.CheapSkip {
    /** Compressed bytes read per system call (at most what is left of the file). */
    private static final int SOURCE = 1 << 20;
    /** Decoded bytes per buffer. */
    private static final int TARGET = 1 << 20;
    /** Buffers between the decoding thread and the reader. */
    static final int BUFFERS = 4;
    private static final ByteBuffer END = ByteBuffer.allocate(0);

    private final ChannelInput in;
    private final FileChannel channel;
    private final long start;
    private final int targetSize;
    private final boolean ahead;
    private final ByteBuffer source;
    private final ZstdDecompressCtx zstd = new ZstdDecompressCtx();
    private final BlockingQueue<ByteBuffer> full = new ArrayBlockingQueue<>(BUFFERS + 1);
    private final BlockingQueue<ByteBuffer> empty = new ArrayBlockingQueue<>(BUFFERS + 1);
    /** Ahead: the first buffer was decoded here and the thread started if needed; not ahead: the one buffer was made. */
    private boolean started;
    private Thread decoder; // ahead: the thread for the rest, if the frame went on
    private ByteBuffer current = END;
    private boolean ended;
    private volatile boolean stopped;

    // the decoding state: the reader's until the thread starts, then the thread's alone
    private long sourceAt; // file offset of source[0]
    private boolean pending; // the last call filled its buffer: zstd may hold more decoded bytes
    private boolean done;
    private int buffers;
    // Written by whoever decodes (the reader here, or the thread before it queues END) and read by
    // the reader once the frame ended (after taking END, when ahead): the queue orders the two.
    private long frameEnd;
    private Throwable failure;
    /** How far the file has been read, for progress and messages. */
    private volatile long readUpTo;

    /** Decoding {@code ahead} on a thread of its own, or here; see the class's javadoc. */
    ZstdSegmentInput(ChannelInput in, boolean ahead) {
        this(in, TARGET, ahead);
    }

    /** With buffers of {@code targetSize} bytes (small ones in tests). */
    ZstdSegmentInput(ChannelInput in, int targetSize, boolean ahead) {
        this.in = in;
        this.channel = in.channel();
        this.start = in.position();
        this.targetSize = targetSize;
        this.ahead = ahead;
        this.sourceAt = start;
        this.readUpTo = start;
        this.source = ByteBuffer.allocateDirect((int) Math.max(1, Math.min(SOURCE, in.size() - start))).flip();
    }

    /** The file offset up to which the frame has been read (progress: the file is read ahead of the entries). */
    long filePosition() {
        return readUpTo;
    }

    /** Whether this stream's decoding thread is running (tests). */
    boolean decoding() {
        return decoder != null && decoder.isAlive();
    }

    /** Decodes into {@code target} until it is full or the frame is complete. */
    private void decodeInto(ByteBuffer target) throws IOException {
        target.clear();
        while (target.hasRemaining() && !done && !stopped) {
            // More input only when zstd has none left and holds no decoded bytes. ZSTD_decompressStream
            // may consume a frame's last input while decoded bytes still wait for room (its contract
            // allows it; libzstd 1.5.7 keeps the last bytes until then), and a read at the end of the
            // file would then call a complete frame truncated.
            if (!source.hasRemaining() && !pending) {
                sourceAt += source.limit();
                source.clear();
                int n = channel.read(source, sourceAt);
                source.flip();
                if (n <= 0) {
                    throw new ArchiveFormatException(String.format(
                            "zstd frame at offset %d is truncated: the file ends at offset %d before the frame does", start, sourceAt));
                }
                readUpTo = sourceAt + n;
            }
            done = zstd.decompressDirectByteBufferStream(target, source);
            pending = !target.hasRemaining();
        }
        target.flip();
        if (done) {
            frameEnd = sourceAt + source.position();
        }
    }

    private ByteBuffer newBuffer() {
        buffers++;
        return ByteBuffer.allocateDirect(targetSize);
    }

    /** The thread: fills buffers until the frame is complete, allocating up to {@value #BUFFERS}. */
    private void decodeRest() {
        try {
            while (!done) {
                ByteBuffer target = empty.poll();
                if (target == null) {
                    target = buffers < BUFFERS ? newBuffer() : empty.take();
                }
                if (stopped || target == END) {
                    return; // closed before the end: nobody reads on
                }
                decodeInto(target);
                full.add(target); // never blocks: the queue holds every buffer and END
            }
        } catch (InterruptedException e) {
            failure = e; // nobody interrupts this thread; if someone did, the reader hears of it
        } catch (Throwable e) {
            failure = e;
        } finally {
            zstd.close();
        }
        full.add(END);
    }

    /** Makes {@link #current} hold unread bytes; false at the end of the frame. */
    private boolean next() throws IOException {
        if (stopped) {
            throw closed();
        }
        if (current.hasRemaining()) {
            return true;
        }
        if (ended) {
            rethrow();
            return false;
        }
        if (!ahead) {
            return decodeHere();
        }
        if (!started) {
            start();
        } else {
            if (current != END) {
                empty.add(current);
            }
            try {
                current = full.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while reading the zstd frame at offset " + start);
            }
        }
        if (current != END) {
            return current.hasRemaining() || next();
        }
        ended = true;
        rethrow();
        in.seek(frameEnd);
        return false;
    }

    /**
     * Not ahead: the next buffer, decoded on the reader's thread into the one buffer there is. A
     * loop, not a recursion: {@link #decodeInto} also returns an empty buffer when the stream was
     * closed meanwhile (from another thread), which is then the closed stream's error.
     */
    private boolean decodeHere() throws IOException {
        if (!started) {
            started = true;
            current = newBuffer();
        }
        while (true) {
            if (stopped) {
                throw closed();
            }
            if (done) {
                ended = true;
                in.seek(frameEnd);
                return false;
            }
            decodeOrFail(current);
            if (done) {
                zstd.close(); // the frame is complete: its native context is freed now, not at close
            }
            if (current.hasRemaining()) {
                return true;
            }
        }
    }

    private IOException closed() {
        return new IOException("the zstd frame at offset " + start + " was read after its stream was closed");
    }

    /** Decodes on the reader's thread; a failure ends the stream, and every later read repeats it. */
    private void decodeOrFail(ByteBuffer target) throws IOException {
        try {
            decodeInto(target);
        } catch (IOException | RuntimeException | Error e) {
            target.clear().limit(0); // no half-decoded bytes are handed out after the failure
            zstd.close();
            failure = e;
            ended = true;
            in.seek(readUpTo);
            throw e;
        }
    }

    /** Ahead: the first buffer, decoded here; the thread for the rest when the frame goes on. */
    private void start() throws IOException {
        started = true;
        ByteBuffer first = newBuffer();
        decodeOrFail(first);
        if (done) {
            zstd.close();
            full.add(END); // the next buffer asked for is the end
        } else {
            decoder = Thread.ofPlatform().daemon().name("overlayboot-zstd").unstarted(this::decodeRest);
            decoder.start();
        }
        current = first;
    }

    private void rethrow() throws IOException {
        if (failure == null) {
            return;
        }
        in.seek(readUpTo); // for the message: how far the file was read
        switch (failure) {
            case IOException e -> throw e;
            case RuntimeException e -> throw e;
            case Error e -> throw e;
            case InterruptedException e -> throw new InterruptedIOException("the zstd decoder was interrupted");
            default -> throw new IOException(failure);
        }
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
        if (decoder == null) {
            zstd.close(); // decoded here, or not at all (closing twice does nothing)
            return;
        }
        empty.offer(END); // wakes it if it waits for a buffer
        boolean interrupted = false;
        while (true) {
            try {
                decoder.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true; // the channel must not be closed under the thread: wait on
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}

package io.overlayboot.initramfs;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Walks an initrd the way the kernel unpacks it: segment after segment (plain cpio, gzip, zstd,
 * xz, lzma, lz4 legacy, bzip2, with zero padding between them), entry after entry, streaming.
 * Memory use does not depend on the size of the initrd.
 */
public final class InitrdReader {
    /** Receives what the reader finds, in order. */
    public interface Visitor {
        /** Called for each entry; {@code body} may be used to read its data during the call. */
        void entry(Segment segmentSoFar, CpioEntry entry, Body body) throws IOException;

        /** Called when a segment is complete. */
        default void segment(Segment segment) throws IOException {}

        /** Called now and then with the file offset reached. */
        default void progress(long offset, long size) {}

        /**
         * Whether a zstd segment is decoded ahead of this visitor on a thread of its own. Worth it
         * for a visitor that spends time on every byte (extracting writes each to a file); not for
         * one that skips most data (a listing), which the handing over of buffers slows down. See
         * {@link ZstdSegmentInput}.
         */
        default boolean decodeAhead() {
            return false;
        }
    }

    /** The data of the current entry. */
    public interface Body {
        long copyTo(OutputStream out) throws IOException;
    }

    private static final int BUFFER = 1 << 20;

    private InitrdReader() {}

    /**
     * Reads {@code file} to the end, calling {@code visitor}; returns every segment. An I/O error of
     * the visitor (a full disk, say) comes out as it was thrown, not as damage of the archive.
     */
    public static List<Segment> read(Path file, Visitor visitor) throws IOException {
        requireFileOrBlockDevice(file);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            return read(ch, visitor);
        } catch (VisitorFailure v) {
            throw v.getCause();
        }
    }

    /**
     * Refuses what is not a regular file or a block device (a fifo would block the open, a directory
     * or socket cannot be an initrd); links are followed.
     */
    public static void requireFileOrBlockDevice(Path file) throws IOException {
        int type = (Integer) Files.getAttribute(file, "unix:mode") & CpioEntry.S_IFMT;
        String kind = switch (type) {
            case CpioEntry.S_IFREG, CpioEntry.S_IFBLK -> null;
            case CpioEntry.S_IFDIR -> "a directory";
            case CpioEntry.S_IFIFO -> "a fifo";
            case CpioEntry.S_IFSOCK -> "a socket";
            case CpioEntry.S_IFCHR -> "a character device";
            default -> "not a file";
        };
        if (kind != null) {
            throw new NotAFileException(String.format("'%s' is %s, not a regular file or block device", file, kind));
        }
    }

    /** A read error of the archive met while the visitor copied an entry's data. */
    static final class ReadFailure extends IOException {
        private static final long serialVersionUID = 1L;

        ReadFailure(IOException cause) {
            super(cause.getMessage(), cause);
        }

        @Override
        public synchronized IOException getCause() {
            return (IOException) super.getCause();
        }
    }

    /** The visitor's own I/O error, carried past the decoders' error handling unchanged. */
    private static final class VisitorFailure extends IOException {
        private static final long serialVersionUID = 1L;

        VisitorFailure(IOException cause) {
            super(cause.getMessage(), cause);
        }

        @Override
        public synchronized IOException getCause() {
            return (IOException) super.getCause();
        }
    }

    static List<Segment> read(FileChannel ch, Visitor visitor) throws IOException {
        ChannelInput in = new ChannelInput(ch, BUFFER);
        byte[] scratch = new byte[BUFFER];
        List<Segment> segments = new ArrayList<>();
        long size = in.size();
        long pos = 0;
        if (size == 0) {
            throw new ArchiveFormatException("the file is empty: an initrd holds at least one cpio archive");
        }
        while (pos < size) {
            in.seek(pos);
            byte[] magic = in.peek(6);
            if (magic[0] == 0) {
                long end = skipZeros(in);
                Segment s = new Segment(segments.size(), pos, end - pos, Segment.PADDING, 0, 0);
                segments.add(s);
                visitor.segment(s);
                pos = end;
                continue;
            }
            Compression c = Compression.detect(magic);
            if (c == null) {
                throw new ArchiveFormatException(String.format(
                        "unknown data at offset %d (bytes %s): not a cpio archive nor a compression the kernel unpacks%s",
                        pos, NewcReader.hexPreview(magic, magic.length),
                        looksLikeLzo(magic) ? " (lzo is not supported here)" : ""));
            }
            if (c == Compression.NONE && (pos & 3) != 0) {
                throw new ArchiveFormatException(String.format(
                        "cpio archive at offset %d is not 4-byte aligned; the kernel would not read it", pos));
            }
            Segment partial = new Segment(segments.size(), pos, 0, c.label(), 0, 0);
            Counter counter = new Counter();
            long end;
            if (c == Compression.NONE) {
                NewcReader r = new NewcReader(in, pos, "file", size - pos, false, scratch);
                counter.cpioBytes = walk(r, partial, visitor, counter, in::position, size);
                end = in.position();
            } else {
                end = decoded(in, c, pos, partial, visitor, counter, scratch, size);
            }
            Segment s = new Segment(segments.size(), pos, end - pos, c.label(), counter.entries, counter.cpioBytes);
            segments.add(s);
            visitor.segment(s);
            visitor.progress(end, size);
            pos = end;
        }
        return List.copyOf(segments);
    }

    private static long decoded(ChannelInput in, Compression c, long pos, Segment partial, Visitor visitor,
            Counter counter, byte[] scratch, long size) throws IOException {
        String where = c.label() + " data of the segment at offset " + pos;
        // Closing the decoder frees its native context (zstd-jni) or inflater at once, not at some GC.
        try (InputStream raw = c.decoder(in, visitor.decodeAhead());
                InputStream data = raw instanceof NewcReader.CheapSkip ? raw : new BufferedInputStream(raw, 1 << 16)) {
            NewcReader r = new NewcReader(data, 0, where, Long.MAX_VALUE, true, scratch);
            // how far the file was read: a zstd segment reads the file itself, ahead of the entries
            java.util.function.LongSupplier position = raw instanceof ZstdSegmentInput z ? z::filePosition : in::position;
            counter.cpioBytes = walk(r, partial, visitor, counter, position, size);
            // The reader stopped at the end of the decoded data; make sure the decoder finished.
            if (data.read() >= 0) {
                throw new ArchiveFormatException(String.format("unexpected data after the last cpio trailer in %s", where));
            }
            return in.position();
        } catch (ArchiveFormatException | VisitorFailure e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new ArchiveFormatException(String.format(
                    "%s segment at offset %d is corrupt or truncated (read up to offset %d): %s",
                    c.label(), pos, in.position(), e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()), e);
        }
    }

    private static long walk(NewcReader r, Segment partial, Visitor visitor, Counter counter,
            java.util.function.LongSupplier position, long size)
            throws IOException {
        long start = r.offset();
        CpioEntry e;
        while ((e = r.next()) != null) {
            counter.entries++;
            try {
                visitor.entry(partial, e, out -> {
                    try {
                        return r.copyBody(new WriteSide(out));
                    } catch (WriteSide.Failure w) {
                        throw w.getCause();
                    } catch (IOException read) {
                        throw new ReadFailure(read);
                    }
                });
            } catch (ReadFailure read) {
                throw read.getCause();
            } catch (ArchiveFormatException refused) {
                throw refused;
            } catch (IOException own) {
                throw new VisitorFailure(own);
            }
            if ((counter.entries & 63) == 0) {
                visitor.progress(position.getAsLong(), size);
            }
        }
        return r.offset() - start;
    }

    private static long skipZeros(ChannelInput in) throws IOException {
        while (true) {
            byte[] b = in.peek(4096);
            if (b.length == 0) {
                return in.position();
            }
            for (int i = 0; i < b.length; i++) {
                if (b[i] != 0) {
                    in.skip(i);
                    return in.position();
                }
            }
            in.skip(b.length);
        }
    }

    private static boolean looksLikeLzo(byte[] b) {
        return b.length >= 4 && (b[0] & 0xff) == 0x89 && b[1] == 'L' && b[2] == 'Z' && b[3] == 'O';
    }

    private static final class Counter {
        long entries;
        long cpioBytes;
    }

    /** Marks the write errors of a body copy, which interleaves reading the archive with writing. */
    private static final class WriteSide extends java.io.FilterOutputStream {
        static final class Failure extends IOException {
            private static final long serialVersionUID = 1L;

            Failure(IOException cause) {
                super(cause);
            }

            @Override
            public synchronized IOException getCause() {
                return (IOException) super.getCause();
            }
        }

        WriteSide(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            try {
                out.write(b);
            } catch (IOException e) {
                throw new Failure(e);
            }
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            try {
                out.write(b, off, len);
            } catch (IOException e) {
                throw new Failure(e);
            }
        }
    }
}

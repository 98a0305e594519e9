package io.overlayboot.initramfs;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * Writes {@code initrd + padding + overlay} over the initrd atomically: the combined file is
 * built next to it and renamed over it, so a crash leaves either the old or the new initrd. The
 * bytes of the existing initrd are copied unchanged; an overlay appended earlier is dropped first,
 * so appending twice replaces rather than stacks.
 */
public final class Appender {
    /**
     * What was written.
     *
     * @param baseLength the bytes kept from the existing initrd
     * @param padding the zero bytes added for 4-byte alignment
     * @param overlayLength the overlay's compressed length
     * @param replaced whether an earlier overlay was dropped
     * @param backup the backup made, or null
     */
    public record Result(long baseLength, int padding, long overlayLength, boolean replaced, Path backup) {}

    private Appender() {}

    /** The format an overlay appended after {@code facts}' initrd must use, or null if any will do. */
    public static Compression requiredCompression(InitrdFacts facts) {
        // The kernel's lz4 reader consumes everything up to the end of the file, taking a repeated
        // magic as the start of more lz4 data: only lz4 may follow lz4, with no padding in between.
        return "lz4".equals(facts.lastFormat()) ? Compression.LZ4 : null;
    }

    public static Result append(Path initrd, InitrdFacts facts, List<PackEntry> overlay, Compression compression,
            int level, long mtime, boolean backup) throws IOException {
        Path real = initrd.toRealPath();
        Path dir = real.getParent();
        Path tmp = dir.resolve("." + real.getFileName() + ".overlayboot-tmp");
        long base = facts.baseEnd();
        boolean lz4 = requiredCompression(facts) == Compression.LZ4;
        int padding = lz4 ? 0 : NewcReader.pad4(base);
        long overlayLength;
        Files.deleteIfExists(tmp);
        try {
            try (FileChannel src = FileChannel.open(real, StandardOpenOption.READ);
                    FileChannel dst = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                long done = 0;
                while (done < base) {
                    done += src.transferTo(done, base - done, dst);
                }
                dst.write(java.nio.ByteBuffer.wrap(new byte[padding]));
                long before = dst.position();
                OutputStream out = Channels.newOutputStream(dst);
                Packer.write(overlay, compression, level, mtime, new NonClosing(out));
                overlayLength = dst.position() - before;
                dst.force(true);
            }
            Files.setPosixFilePermissions(tmp, Files.getPosixFilePermissions(real, LinkOption.NOFOLLOW_LINKS));
            Path bak = null;
            if (backup) {
                bak = dir.resolve(real.getFileName() + ".bak");
                // A backup from an earlier run stays, unless the initrd was rebuilt since (no overlay in it).
                if (facts.overlayStart() < 0) {
                    Files.deleteIfExists(bak);
                }
                if (!Files.exists(bak, LinkOption.NOFOLLOW_LINKS)) {
                    Files.createLink(bak, real); // the original inode survives the rename below
                }
            }
            Files.move(tmp, real, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return new Result(base, padding, overlayLength, facts.overlayStart() >= 0, bak);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static final class NonClosing extends java.io.FilterOutputStream {
        NonClosing(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            out.flush();
        }
    }
}

package io.overlayboot.files;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;

/**
 * Crash-safe file writes: the new bytes go to a temporary file in the same directory, which is
 * flushed to disk and renamed over the target, and then the directory itself is flushed. A reader
 * (or a power cut) sees either the old file or the new one, never a mix.
 *
 * <p>A replaced file keeps its mode and owner; a new file gets the mode the caller names. Symbolic
 * links and directories are never written through: in a target tree under {@code --root} a link
 * may point at the host.
 */
public final class AtomicFiles {
    private AtomicFiles() {}

    /**
     * Writes {@code content} to {@code target}, keeping the mode and owner of the file it replaces,
     * or giving a new file {@code modeForNewFile} and the caller's owner.
     */
    public static void write(Path target, byte[] content, Set<PosixFilePermission> modeForNewFile)
            throws IOException {
        refuseLinksAndDirectories(target);
        FileMeta meta = Files.exists(target, LinkOption.NOFOLLOW_LINKS) ? FileMeta.read(target) : null;
        writeWith(target, content, meta, modeForNewFile);
    }

    /** Writes {@code content} to {@code target} with exactly this mode and owner. */
    public static void write(Path target, byte[] content, FileMeta meta) throws IOException {
        refuseLinksAndDirectories(target);
        writeWith(target, content, meta, meta.permissions());
    }

    /** Removes {@code target} if it exists and flushes its directory. */
    public static void delete(Path target) throws IOException {
        if (Files.deleteIfExists(target)) {
            syncDirectory(target.toAbsolutePath().getParent());
        }
    }

    private static void writeWith(Path target, byte[] content, FileMeta meta, Set<PosixFilePermission> newMode)
            throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Path temp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".overlayboot-tmp");
        try {
            try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer buf = ByteBuffer.wrap(content);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            }
            if (meta != null) {
                meta.apply(temp);
            } else {
                Files.setPosixFilePermissions(temp, newMode);
            }
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(temp);
            throw e;
        }
        syncDirectory(dir);
    }

    private static void refuseLinksAndDirectories(Path target) throws IOException {
        if (Files.isSymbolicLink(target)) {
            throw new IOException(target + " is a symbolic link; overlayboot writes only regular files");
        }
        if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException(target + " is a directory, expected a regular file");
        }
    }

    /** Flushes a directory's entries to disk (a no-op where directories cannot be opened, e.g. jimfs). */
    static void syncDirectory(Path dir) throws IOException {
        if (dir.getFileSystem() != FileSystems.getDefault()) {
            return;
        }
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }
}

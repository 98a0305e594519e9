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
    private static final String TEMP_SUFFIX = ".overlayboot-tmp";

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

    /**
     * Creates the missing directory {@code dir} (its parent exists) holding the file {@code file}
     * (relative to {@code dir}, in subdirectories that are created too) all at once: the tree is built
     * under {@link #stagingName} beside {@code dir} and renamed into place, so a crash leaves either
     * nothing, or the whole tree, or a temporary directory that {@link #stagingName} finds.
     */
    public static void createDirectoryWith(Path dir, String file, byte[] content, Set<PosixFilePermission> dirMode,
            Set<PosixFilePermission> fileMode) throws IOException {
        Path stage = stagingName(dir);
        Trees.delete(stage);
        try {
            Files.createDirectory(stage);
            Files.setPosixFilePermissions(stage, dirMode);
            Path inner = stage;
            String[] names = file.split("/");
            for (int i = 0; i < names.length - 1; i++) {
                inner = Files.createDirectory(inner.resolve(names[i]));
                Files.setPosixFilePermissions(inner, dirMode);
            }
            write(inner.resolve(names[names.length - 1]), content, fileMode);
            Files.move(stage, dir, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException e) {
            Trees.delete(stage);
            throw e;
        }
        syncDirectory(dir.toAbsolutePath().getParent());
    }

    /** The temporary name {@link #createDirectoryWith} builds {@code dir} under. */
    public static Path stagingName(Path dir) {
        return dir.resolveSibling("." + dir.getFileName() + ".overlayboot-tmp");
    }

    /**
     * The temporary files an interrupted {@link #write} of {@code target} may have left beside it
     * (hidden, named after it, ending in {@code .overlayboot-tmp}).
     */
    public static java.util.List<Path> leftoversOf(Path target) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        String prefix = "." + target.getFileName() + ".";
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            return java.util.List.of();
        }
        try (java.util.stream.Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().startsWith(prefix) && p.getFileName().toString().endsWith(TEMP_SUFFIX)
                    && Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)).sorted().toList();
        }
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
        Path temp = Files.createTempFile(dir, "." + target.getFileName() + ".", TEMP_SUFFIX);
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

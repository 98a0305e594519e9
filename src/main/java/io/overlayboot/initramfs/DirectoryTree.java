package io.overlayboot.initramfs;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Turns a directory tree into archive entries named relative to its root, sorted by name (so
 * parents come before children and the order does not depend on the file system).
 */
public final class DirectoryTree {
    private DirectoryTree() {}

    /**
     * The entries under {@code dir}; a link to a directory is followed (the user named it).
     *
     * @throws java.nio.file.NotDirectoryException if {@code dir} is not a directory
     */
    public static List<PackEntry> entries(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            throw new java.nio.file.NoSuchFileException(dir.toString());
        }
        if (!Files.isDirectory(dir)) {
            throw new java.nio.file.NotDirectoryException(dir.toString());
        }
        Path root = dir.toRealPath();
        List<PackEntry> out = new ArrayList<>();
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                if (!dir.equals(root)) {
                    out.add(PackEntry.directory(name(dir), mode(dir)));
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                if (attrs.isSymbolicLink()) {
                    out.add(PackEntry.symlink(name(file), Files.readSymbolicLink(file).toString()));
                } else if (attrs.isRegularFile()) {
                    out.add(PackEntry.file(name(file), mode(file), file, attrs.size()));
                } else {
                    throw new IOException("'" + file + "' is a device, fifo or socket; pack takes only files, directories and links");
                }
                return FileVisitResult.CONTINUE;
            }

            private String name(Path p) {
                return root.relativize(p).toString();
            }
        });
        out.sort(Comparator.comparing(PackEntry::name, DirectoryTree::compareBytes));
        return List.copyOf(out);
    }

    private static int mode(Path p) throws IOException {
        return (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 07777;
    }

    /** Orders names as {@code LC_ALL=C sort} does: by UTF-8 bytes. */
    static int compareBytes(String a, String b) {
        return java.util.Arrays.compareUnsigned(
                a.getBytes(java.nio.charset.StandardCharsets.UTF_8), b.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
}

package io.overlayboot.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.nio.file.FileVisitResult;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Comparator;

/**
 * What changed since boot: walks the upper layer of an overlayfs union and names every file added,
 * changed or deleted relative to the lower layer. overlayfs marks a deleted file with a whiteout
 * (a character device 0/0) and a replaced directory with the {@code trusted.overlay.opaque} xattr.
 */
public final class UpperDiff {
    /** What happened to one path. */
    public enum Kind { ADDED, CHANGED, DELETED }

    /**
     * One change.
     *
     * @param kind what happened
     * @param path the path as the running system sees it, starting with '/'
     */
    public record Change(Kind kind, String path) {}

    /**
     * What {@link #between} found.
     *
     * @param changes every change, sorted by path
     * @param unreadable directories of the upper layer that could not be read: changes under them
     *     are not in {@code changes}
     */
    public record Diff(List<Change> changes, List<Path> unreadable) {
        public Diff {
            changes = List.copyOf(changes);
            unreadable = List.copyOf(unreadable);
        }
    }

    private UpperDiff() {}

    /** The changes recorded in {@code upper}, against {@code lower}; a directory it cannot read is named, not fatal. */
    public static Diff between(Path upper, Path lower) throws IOException {
        List<Change> changes = new ArrayList<>();
        List<Path> unreadable = new ArrayList<>();
        Files.walkFileTree(upper, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                if (!dir.equals(upper)) {
                    entry(dir);
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                entry(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                if (file.equals(upper)) {
                    throw e;
                }
                unreadable.add(file);
                if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
                    entry(file);
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) {
                if (e != null) {
                    unreadable.add(dir);
                }
                return FileVisitResult.CONTINUE;
            }

            private void entry(Path p) throws IOException {
                Path rel = upper.relativize(p);
                String shown = "/" + rel.toString().replace('\\', '/');
                boolean inLowerExists = Files.exists(lower.resolve(rel.toString()), LinkOption.NOFOLLOW_LINKS);
                if (isWhiteout(p)) {
                    changes.add(new Change(Kind.DELETED, shown));
                } else if (!(Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) && inLowerExists)) {
                    // (a directory that is also in the lower layer was copied up because something inside changed)
                    changes.add(new Change(inLowerExists ? Kind.CHANGED : Kind.ADDED, shown));
                }
            }
        });
        changes.sort(Comparator.comparing(c -> Path.of(c.path())));
        return new Diff(changes, unreadable);
    }

    private static boolean isWhiteout(Path p) throws IOException {
        if (!Files.readAttributes(p, java.nio.file.attribute.BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).isOther()) {
            return false;
        }
        Object rdev = Files.getAttribute(p, "unix:rdev", LinkOption.NOFOLLOW_LINKS);
        Object mode = Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS);
        boolean charDevice = ((Integer) mode & 0170000) == 0020000;
        return charDevice && ((Long) rdev) == 0L;
    }
}

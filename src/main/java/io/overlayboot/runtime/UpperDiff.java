package io.overlayboot.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

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

    private UpperDiff() {}

    /** The changes recorded in {@code upper}, against {@code lower}, sorted by path. */
    public static List<Change> between(Path upper, Path lower) throws IOException {
        List<Change> changes = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(upper)) {
            for (Path p : walk.sorted().toList()) {
                if (p.equals(upper)) {
                    continue;
                }
                Path rel = upper.relativize(p);
                String shown = "/" + rel.toString().replace('\\', '/');
                Path inLower = lower.resolve(rel.toString());
                boolean inLowerExists = Files.exists(inLower, LinkOption.NOFOLLOW_LINKS);
                if (isWhiteout(p)) {
                    changes.add(new Change(Kind.DELETED, shown));
                } else if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) && inLowerExists) {
                    continue; // a directory copied up because something inside it changed
                } else {
                    changes.add(new Change(inLowerExists ? Kind.CHANGED : Kind.ADDED, shown));
                }
            }
        }
        return List.copyOf(changes);
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

package io.overlayboot.runtime;

import io.overlayboot.files.LowerRemount;
import io.overlayboot.files.ProcMounts;
import io.overlayboot.files.RootedPaths;
import io.overlayboot.files.Trees;
import io.overlayboot.core.ExitCode;
import io.overlayboot.core.OverlaybootException;
import io.overlayboot.sys.Exec;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Makes chosen changes permanent without a reboot into an unprotected system: remounts the lower
 * layer ({@code /ro}) read-write for a moment, copies each path from the running root into it (or
 * deletes it there when it was deleted), and remounts it read-only again, even on failure (only
 * the mount, when its filesystem was writable before: see {@link LowerRemount}).
 */
public final class Commit {
    /**
     * What happened to one path.
     *
     * @param path the path as the running system sees it
     * @param action "copied", "deleted" or "unchanged"
     */
    public record Outcome(String path, String action) {}

    private Commit() {}

    /**
     * Commits {@code paths} (absolute, as seen in {@code root}) from {@code root} into {@code lower},
     * the mount point of the lower layer.
     */
    public static List<Outcome> commit(Path root, Path lower, List<String> paths) {
        return commit(root, lower, paths, Path.of("/proc/mounts"));
    }

    /**
     * As {@link #commit(Path, Path, List)}, reading the mount table from {@code procMounts}. Refuses
     * up front, before any remount, when {@code root} is not an overlay with {@code lower} mounted:
     * on an unprotected machine every change is permanent already.
     */
    public static List<Outcome> commit(Path root, Path lower, List<String> paths, Path procMounts) {
        for (String p : paths) {
            if (!p.startsWith("/") || java.util.Arrays.asList(p.split("/")).contains("..") || Path.of(p).getNameCount() == 0) {
                throw OverlaybootException.badInput("Cannot commit '" + p + "': give an absolute path below /, without '..'",
                        "for example: overlayboot commit /etc/hostname");
            }
        }
        checkProtected(root, lower, procMounts);
        List<Path> targets = paths.stream().map(p -> RootedPaths.resolve(lower, p.substring(1))).toList();
        Path point = Path.of(real(lower));
        LowerRemount.Change change = LowerRemount.writable(point, procMounts);
        List<Outcome> outcomes = new ArrayList<>();
        try {
            for (int i = 0; i < paths.size(); i++) {
                String p = paths.get(i);
                outcomes.add(commitOne(root.resolve(p.substring(1)), targets.get(i), p));
            }
            Exec.run(List.of("sync"), Duration.ofMinutes(5));
        } finally {
            LowerRemount.readOnly(point, change);
        }
        return List.copyOf(outcomes);
    }

    /** Refuses a root that is not an overlay, or a lower layer that is not mounted, as /proc/mounts shows them. */
    private static void checkProtected(Path root, Path lower, Path procMounts) {
        ProcMounts mounts;
        try {
            mounts = ProcMounts.read(procMounts);
        } catch (IOException e) {
            throw OverlaybootException.environment("Cannot read the mount table " + procMounts + ": " + e.getMessage(),
                    "run commit on the protected system itself");
        }
        String rootType = typeOf(mounts, real(root));
        if (!"overlay".equals(rootType) && !"aufs".equals(rootType)) {
            throw OverlaybootException.environment(root + " is not protected: " + procMounts + " shows it as "
                    + (rootType == null ? "no mount of its own" : rootType) + ", not an overlay; its changes are permanent already",
                    "commit is for a root protected by overlayboot ('overlayboot status' tells)");
        }
        if (typeOf(mounts, real(lower)) == null) {
            throw OverlaybootException.environment("The lower layer " + lower + " is not mounted (not in " + procMounts + ")",
                    "give the lower layer's mount point with --lower ('overlayboot status' shows it)");
        }
    }

    /** The type of the last mount on {@code mountPoint}, or null when nothing is mounted there. */
    private static String typeOf(ProcMounts mounts, String mountPoint) {
        return mounts.at(mountPoint).map(ProcMounts.Mount::type).orElse(null);
    }

    private static String real(Path p) {
        try {
            return p.toRealPath().toString();
        } catch (IOException e) {
            return p.toAbsolutePath().normalize().toString();
        }
    }

    private static Outcome commitOne(Path from, Path to, String shown) {
        try {
            if (!Files.exists(from, LinkOption.NOFOLLOW_LINKS)) {
                if (!Files.exists(to, LinkOption.NOFOLLOW_LINKS)) {
                    return new Outcome(shown, "unchanged");
                }
                Trees.delete(to);
                return new Outcome(shown, "deleted");
            }
            Files.createDirectories(to.getParent());
            copyTree(from, to);
            return new Outcome(shown, "copied");
        } catch (IOException e) {
            throw new OverlaybootException(ExitCode.EXTERNAL_FAILURE, "Cannot commit " + shown + ": " + e.getMessage(),
                    "the lower layer was remounted read-only again; check free space on it");
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        Files.walkFileTree(from, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                Path target = to.resolve(from.relativize(dir).toString());
                if (!Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
                    if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
                        Files.delete(target);
                    }
                    Files.copy(dir, target, StandardCopyOption.COPY_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Path target = to.resolve(from.relativize(file).toString());
                if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
                    Trees.delete(target);
                }
                Path tmp = target.resolveSibling("." + target.getFileName() + ".overlayboot-commit");
                Files.copy(file, tmp, StandardCopyOption.COPY_ATTRIBUTES, StandardCopyOption.REPLACE_EXISTING,
                        LinkOption.NOFOLLOW_LINKS);
                copyOwner(file, tmp);
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    private static void copyOwner(Path from, Path to) throws IOException {
        if (!Files.isSymbolicLink(from)) {
            Files.setAttribute(to, "unix:uid", Files.getAttribute(from, "unix:uid", LinkOption.NOFOLLOW_LINKS));
            Files.setAttribute(to, "unix:gid", Files.getAttribute(from, "unix:gid", LinkOption.NOFOLLOW_LINKS));
        }
    }
}

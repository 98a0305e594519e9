package io.overlayboot.files;

import io.overlayboot.core.OverlaybootException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.stream.Stream;

/**
 * Resolves a relative path inside a root directory (a target under {@code --root}, the lower layer
 * of {@code commit}, the {@code render --out} directory) the way the kernel would, one component at
 * a time, and refuses when a symbolic link among the parent directories leads out of the root.
 *
 * <p>Every command that writes or deletes below a root goes through here, so no link in the tree
 * can send a write to the host. A link that stays inside the root is followed (the result names the
 * real directory); the final component is never followed, since a link there is never written
 * through ({@link AtomicFiles} refuses it) and deleting it removes only the link.
 *
 * <p>What this cannot close is a race: someone able to write into the root while overlayboot runs
 * could swap a directory for a link between this check and the write.
 */
public final class RootedPaths {
    private static final int MAX_LINKS = 40;

    private RootedPaths() {}

    /**
     * The path of {@code relative} (forward slashes, no {@code ..}) below {@code root}, with every
     * existing parent directory resolved; refused with {@link io.overlayboot.core.ExitCode#ENVIRONMENT}
     * when a parent is a link leading out of {@code root} or a loop of links.
     */
    public static Path resolve(Path root, String relative) {
        List<String> names = Stream.of(relative.split("/")).filter(n -> !n.isEmpty() && !n.equals(".")).toList();
        if (relative.startsWith("/") || names.contains("..")) {
            throw new IllegalArgumentException("not a relative path below the root: '" + relative + "'");
        }
        Path top = real(root);
        if (names.isEmpty()) {
            return top;
        }
        Deque<String> todo = new ArrayDeque<>(names.subList(0, names.size() - 1));
        Path current = top;
        Path lastLink = null;
        Path lastTarget = null;
        int links = 0;
        while (!todo.isEmpty()) {
            String name = todo.removeFirst();
            Path next = name.equals("..") ? parentOf(current) : name.isEmpty() || name.equals(".") ? current : current.resolve(name);
            if (!next.startsWith(top) && !top.startsWith(next)) {
                throw leadsOut(top, lastLink, lastTarget);
            }
            if (!next.startsWith(top) || !Files.isSymbolicLink(next)) {
                current = next; // an ancestor of the real root is never a link
                continue;
            }
            if (++links > MAX_LINKS) {
                throw OverlaybootException.environment("Too many levels of symbolic links at " + next,
                        "replace the links below " + top + " with directories");
            }
            lastLink = next;
            lastTarget = readLink(next);
            // The link's own components are walked one by one: any of them may be a link or '..'.
            List<String> rest = List.copyOf(todo);
            todo.clear();
            lastTarget.forEach(n -> todo.add(n.toString()));
            todo.addAll(rest);
            current = lastTarget.isAbsolute() ? lastTarget.getRoot() : current;
        }
        if (!current.startsWith(top)) {
            throw leadsOut(top, lastLink, lastTarget);
        }
        return current.resolve(names.getLast());
    }

    private static OverlaybootException leadsOut(Path top, Path link, Path target) {
        return OverlaybootException.environment(link + " is a symbolic link to " + target + ", which leads out of the target root "
                + top + "; overlayboot never writes through it", "replace the link by a directory inside the root"
                + " (or by a link that stays inside it), then run this again");
    }

    private static Path parentOf(Path p) {
        Path parent = p.getParent();
        return parent == null ? p : parent;
    }

    private static Path readLink(Path link) {
        try {
            return Files.readSymbolicLink(link);
        } catch (IOException e) {
            throw OverlaybootException.environment("Cannot read the symbolic link " + link + ": " + e.getMessage(), null);
        }
    }

    private static Path real(Path root) {
        try {
            return Files.exists(root, LinkOption.NOFOLLOW_LINKS) ? root.toRealPath() : root.toAbsolutePath().normalize();
        } catch (IOException e) {
            throw OverlaybootException.environment("Cannot resolve the root " + root + ": " + e.getMessage(), null);
        }
    }
}

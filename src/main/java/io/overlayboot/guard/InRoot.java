package io.overlayboot.guard;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;

/**
 * Paths inside a target root, resolved the way {@code chroot ROOT} would see them: a symbolic link
 * is followed with an absolute target taken from the root and {@code ..} stopping at the root, so
 * no path leaves the root however its links point ({@code /lib -> usr/lib}, {@code /vmlinuz ->
 * boot/vmlinuz-6.1.0-50-amd64} work; {@code /boot -> /../../host} stays inside).
 */
final class InRoot {
    private static final int MAX_LINKS = 40;

    private final Path root;

    InRoot(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    Path root() {
        return root;
    }

    /** The host path of {@code path} (relative or absolute inside the root), if it exists. */
    Optional<Path> find(String path) {
        try {
            Resolved r = resolved(path);
            return r.exists() ? Optional.of(r.path()) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** A path resolved inside the root, and whether its last component exists (as a link, too). */
    private record Resolved(Path path, boolean exists) {}

    /** The text of the regular file {@code path} (bad UTF-8 replaced), if it exists and can be read. */
    Optional<String> readText(String path) {
        Optional<Path> file = find(path).filter(Files::isRegularFile);
        try {
            return file.isEmpty() ? Optional.empty() : Optional.of(new String(Files.readAllBytes(file.get()), StandardCharsets.UTF_8));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /**
     * The host path of {@code path} with every symbolic link along it (the last one too) followed
     * inside the root. A missing last component is fine; a link loop is an {@link IOException}.
     */
    Path resolve(String path) throws IOException {
        return resolved(path).path();
    }

    /**
     * {@link #resolve}, knowing whether the result exists. Each component is looked at once
     * ({@code lstat}); after a missing one, the rest are only appended: nothing below a missing
     * directory exists, and a missing file costs one exception, not one for every later component
     * and another for the final check ({@code status} looks for a dozen files most roots lack).
     */
    private Resolved resolved(String path) throws IOException {
        Deque<String> todo = new ArrayDeque<>();
        push(todo, path);
        Deque<String> done = new ArrayDeque<>();
        int links = 0;
        int missingAt = -1; // the depth in done of the first missing component, -1 while none is
        while (!todo.isEmpty()) {
            String part = todo.pop();
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                done.pollLast();
                if (done.size() < missingAt) {
                    missingAt = -1; // back above it: every component left exists
                }
                continue;
            }
            if (missingAt >= 0) { // below a missing component: nothing to look at
                done.addLast(part);
                continue;
            }
            Path here = host(done).resolve(part);
            BasicFileAttributes attributes;
            try {
                attributes = Files.readAttributes(here, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            } catch (IOException e) {
                attributes = null;
            }
            if (attributes == null) {
                done.addLast(part);
                missingAt = done.size();
            } else if (attributes.isSymbolicLink()) {
                if (++links > MAX_LINKS) {
                    throw new IOException("too many symbolic links resolving '" + path + "' inside " + root);
                }
                String target = Files.readSymbolicLink(here).toString();
                if (target.startsWith("/")) {
                    done.clear();
                }
                push(todo, target);
            } else {
                done.addLast(part);
            }
        }
        return new Resolved(host(done), missingAt < 0);
    }

    /** The path as the target sees it: {@code /boot/x}. */
    String show(Path hostPath) {
        Path rel = root.relativize(hostPath);
        return "/" + rel.toString();
    }

    private Path host(Deque<String> parts) {
        Path p = root;
        for (String s : parts) {
            p = p.resolve(s);
        }
        return p;
    }

    private static void push(Deque<String> todo, String path) {
        String[] parts = path.split("/");
        for (int i = parts.length - 1; i >= 0; i--) {
            todo.push(parts[i]);
        }
    }
}

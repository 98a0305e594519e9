package io.overlayboot.initramfs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code extract} knows about its directory: one node per path it has looked at, whose kind is
 * read from disk once (with lstat) and then kept up to date as entries are written, so each entry
 * costs one step per name component instead of a file system lookup per ancestor.
 *
 * <p>It resolves link targets as the kernel would inside the directory: existing links are followed,
 * {@code ..} after a link goes to the parent of where the link leads, missing components are taken
 * as written. A link that reaches above the directory this way leads outside. Each node remembers
 * the links whose resolution looked at it, so that when it changes those links can be resolved again
 * ({@code x/a -> m/..} is harmless until {@code x/m -> ..} arrives).
 */
final class TargetTree {
    enum Kind { UNKNOWN, MISSING, DIRECTORY, LINK, OTHER }

    /** A path inside the directory. */
    static final class Node {
        final Node parent;
        final String name;
        final int depth;
        Kind kind = Kind.UNKNOWN;
        /** True when the children are known without looking at the disk (made here, or missing). */
        boolean childrenKnown;
        String link;
        /** The archive's name and target of a link made here, for messages. */
        String entryName;
        String entryTarget;
        Map<String, Node> children;
        List<Node> dependents;

        Node(Node parent, String name) {
            this.parent = parent;
            this.name = name;
            this.depth = parent == null ? 0 : parent.depth + 1;
        }
    }

    /** Where a resolution ended. */
    enum Outcome { INSIDE, OUTSIDE, LOOP }

    /** The kernel follows at most 40 links while resolving one path. */
    private static final int MAX_LINKS = 40;

    private final Path rootPath;
    final Node root;

    TargetTree(Path realRoot) {
        this.rootPath = realRoot;
        this.root = new Node(null, "");
        root.kind = Kind.DIRECTORY;
    }

    /** The child node named {@code name} (made on first use). */
    Node child(Node dir, String name) {
        if (dir.children == null) {
            dir.children = new HashMap<>();
        }
        Node c = dir.children.get(name);
        if (c == null) {
            c = new Node(dir, name);
            if (dir.childrenKnown || dir.kind == Kind.MISSING) {
                c.kind = Kind.MISSING;
                c.childrenKnown = true;
            }
            dir.children.put(name, c);
        }
        return c;
    }

    /** The node's kind, looked up on disk the first time. */
    Kind kind(Node n) throws IOException {
        if (n.kind == Kind.UNKNOWN) {
            Path p = path(n);
            try {
                BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                n.kind = a.isDirectory() ? Kind.DIRECTORY : a.isSymbolicLink() ? Kind.LINK : Kind.OTHER;
                if (n.kind == Kind.LINK) {
                    n.link = Files.readSymbolicLink(p).toString();
                }
            } catch (NoSuchFileException missing) {
                n.kind = Kind.MISSING;
                n.childrenKnown = true;
            }
        }
        return n.kind;
    }

    /** The node's path on disk; costs one step per component, so only for paths about to be used. */
    Path path(Node n) {
        if (n == root) {
            return rootPath;
        }
        String[] parts = new String[n.depth];
        for (Node p = n; p != root; p = p.parent) {
            parts[p.depth - 1] = p.name;
        }
        return rootPath.resolve(String.join("/", parts));
    }

    /** The node's name relative to the directory, for messages. */
    String name(Node n) {
        return rootPath.relativize(path(n)).toString();
    }

    /**
     * Records that {@code n} now is of kind {@code k} (and, for a link, points to {@code target}).
     * Whatever was below it is gone: a directory is only replaced when it is empty.
     */
    void set(Node n, Kind k, String target) {
        n.kind = k;
        n.link = target;
        n.children = null;
        n.childrenKnown = true;
    }

    /** Where the link at {@code link} leads; notes on every node it looks at that the link depends on it. */
    Outcome resolve(Node link) throws IOException {
        int[] budget = {MAX_LINKS};
        Node end = walk(link.parent, link.link, link, budget);
        return end == OUT ? Outcome.OUTSIDE : end == LOOP ? Outcome.LOOP : Outcome.INSIDE;
    }

    private static final Node OUT = new Node(null, "(outside)");
    private static final Node LOOP = new Node(null, "(loop)");

    private Node walk(Node start, String target, Node link, int[] budget) throws IOException {
        Node at = target.startsWith("/") ? root : start;
        for (String c : target.split("/")) {
            if (c.isEmpty() || c.equals(".")) {
                continue;
            }
            if (c.equals("..")) {
                if (at == root) {
                    return OUT;
                }
                at = at.parent;
                continue;
            }
            Node next = child(at, c);
            depend(next, link);
            if (kind(next) == Kind.LINK) {
                if (--budget[0] < 0) {
                    return LOOP;
                }
                Node end = walk(next.parent, next.link, link, budget);
                if (end == OUT || end == LOOP) {
                    return end;
                }
                at = end;
            } else {
                at = next; // a directory, or taken as written when missing or not a directory
            }
        }
        return at;
    }

    private static void depend(Node n, Node link) {
        if (n.dependents == null) {
            n.dependents = new ArrayList<>(2);
        }
        if (n.dependents.isEmpty() || n.dependents.get(n.dependents.size() - 1) != link) {
            n.dependents.add(link);
        }
    }

    /** The links that looked at {@code n}, now links still; the list is cleared (resolving again re-registers). */
    List<Node> takeDependents(Node n) {
        if (n.dependents == null || n.dependents.isEmpty()) {
            return List.of();
        }
        List<Node> out = new ArrayList<>();
        java.util.Set<Node> seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        for (Node d : n.dependents) {
            if (d != n && d.kind == Kind.LINK && seen.add(d)) {
                out.add(d);
            }
        }
        n.dependents = null;
        return out;
    }

    /** Puts back dependents taken by {@link #takeDependents} (after a refused change). */
    void restoreDependents(Node n, List<Node> deps) {
        for (Node d : deps) {
            depend(n, d);
        }
    }
}

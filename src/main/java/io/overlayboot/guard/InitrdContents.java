package io.overlayboot.guard;

import io.overlayboot.initramfs.ArchiveFormatException;
import io.overlayboot.initramfs.CpioEntry;
import io.overlayboot.initramfs.InitrdReader;
import io.overlayboot.initramfs.Segment;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * What the kernel would unpack from one or more initrd files (GRUB's {@code initrd a b} loads them
 * one after the other), read with overlayboot's own {@link InitrdReader}: every path, the symbolic
 * links, and the text of the few small files the check reads. A later file's entry replaces an
 * earlier one, as when the kernel unpacks them.
 */
final class InitrdContents {
    private static final int MAX_TEXT = 1 << 20;

    private final Set<String> paths = new HashSet<>();
    private final Map<String, String> links = new HashMap<>();
    private final Map<String, String> texts = new HashMap<>();

    private InitrdContents() {}

    /**
     * Reads {@code files} in order, keeping the text of the regular files {@code wanted} accepts.
     *
     * @throws ArchiveFormatException when a file is not an initrd the kernel could unpack
     */
    static InitrdContents read(List<Path> files, Predicate<String> wanted) throws IOException {
        InitrdContents c = new InitrdContents();
        for (Path file : files) {
            InitrdReader.read(file, (Segment s, CpioEntry e, InitrdReader.Body body) -> c.add(e, body, wanted));
        }
        return c;
    }

    private void add(CpioEntry e, InitrdReader.Body body, Predicate<String> wanted) throws IOException {
        String path = e.path();
        if (path.equals("TRAILER!!!") || path.equals(".") || path.isEmpty()) {
            return;
        }
        paths.add(path);
        links.remove(path);
        texts.remove(path);
        if (e.isSymlink()) {
            links.put(path, e.linkTarget());
        } else if (e.isRegular() && wanted.test(path) && e.size() <= MAX_TEXT) {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            body.copyTo(b);
            texts.put(path, b.toString(StandardCharsets.UTF_8));
        }
    }

    /** True when {@code path} exists in the unpacked initrd, through its directory links ({@code lib -> usr/lib}). */
    boolean has(String path) {
        return resolve(path).map(paths::contains).orElse(false);
    }

    /** The text of the regular file at {@code path}, if it was read. */
    Optional<String> text(String path) {
        return resolve(path).map(texts::get);
    }

    /** Every path, as stored. */
    Set<String> paths() {
        return Set.copyOf(paths);
    }

    /** {@code path} with the initrd's symbolic links followed, inside the initrd; empty on a loop. */
    private Optional<String> resolve(String path) {
        String current = strip(path);
        for (int hops = 0; hops < 40; hops++) {
            String[] parts = current.split("/");
            String prefix = "";
            boolean followed = false;
            for (int i = 0; i < parts.length && !followed; i++) {
                prefix = prefix.isEmpty() ? parts[i] : prefix + "/" + parts[i];
                String target = links.get(prefix);
                if (target != null) {
                    String rest = String.join("/", List.of(parts).subList(i + 1, parts.length));
                    String base = target.startsWith("/") ? "" : parent(prefix);
                    String joined = normalize(base.isEmpty() ? target : base + "/" + target);
                    current = rest.isEmpty() ? joined : joined + "/" + rest;
                    followed = true;
                }
            }
            if (!followed) {
                return Optional.of(current);
            }
        }
        return Optional.empty();
    }

    private static String parent(String path) {
        int slash = path.lastIndexOf('/');
        return slash < 0 ? "" : path.substring(0, slash);
    }

    private static String normalize(String path) {
        java.util.ArrayDeque<String> parts = new java.util.ArrayDeque<>();
        for (String p : path.split("/")) {
            if (p.isEmpty() || p.equals(".")) {
                continue;
            }
            if (p.equals("..")) {
                parts.pollLast();
            } else {
                parts.addLast(p);
            }
        }
        return String.join("/", parts);
    }

    private static String strip(String path) {
        return normalize(path);
    }
}

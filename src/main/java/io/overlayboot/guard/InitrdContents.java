package io.overlayboot.guard;

import io.overlayboot.initramfs.ArchiveFormatException;
import io.overlayboot.initramfs.CpioEntry;
import io.overlayboot.initramfs.InitrdReader;
import io.overlayboot.initramfs.Segment;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * What the check needs to know of what the kernel would unpack from one or more initrd files (GRUB's
 * {@code initrd a b} loads them one after the other): which of the paths it asks about exist
 * ({@link #QUERIES}, through the initrd's symbolic links: {@code lib -> usr/lib}), the text of the
 * few small files it reads, and the union filesystem modules it holds ({@link #MODULES}).
 *
 * <p>It is distilled from a full read of the files with overlayboot's own {@link InitrdReader}
 * (every entry; a later file's entry replaces an earlier one, as when the kernel unpacks them), so
 * that it is small enough to be kept ({@link ContentsCache}) and answers exactly as the whole listing
 * would for every question the check asks. Asking about a path outside {@link #QUERIES} is a bug.
 *
 * @param present the queries that exist in the unpacked initrd
 * @param texts the text of each query that is a file whose text the check reads ({@link Generator#wantsText})
 * @param modules the paths, as stored, of the union modules
 */
record InitrdContents(Set<String> present, Map<String, String> texts, Set<String> modules) {
    private static final int MAX_TEXT = 1 << 20;

    /** Every path {@link #has} and {@link #text} are asked about: the generators' markers and requirements, blkid. */
    static final Set<String> QUERIES = queries();

    /**
     * A union module of any kernel, as stored; {@code KernelCheck} picks the kernel's own. Compiled
     * only when an initrd is read: a kept entry names it as text ({@link ContentsCache}).
     */
    static final String MODULES = "(?:usr/)?lib/modules/[^/]+/(?:.*/)?(?:" + String.join("|", KernelCheck.UNIONS)
            + ")\\.ko(?:\\.(?:xz|zst|gz))?";

    InitrdContents {
        present = Set.copyOf(present);
        texts = Map.copyOf(texts);
        modules = Set.copyOf(modules);
    }

    private static Set<String> queries() {
        Set<String> q = new LinkedHashSet<>();
        for (Generator g : Generator.ALL) {
            q.add(g.marker());
            g.requirements().forEach(r -> q.addAll(r.paths()));
        }
        q.addAll(KernelCheck.BLKID);
        return Set.copyOf(q);
    }

    /**
     * Reads {@code files} in order, to the end of each.
     *
     * @throws ArchiveFormatException when a file is not an initrd the kernel could unpack
     */
    static InitrdContents read(List<Path> files) throws IOException {
        Listing all = new Listing();
        for (Path file : files) {
            InitrdReader.read(file, (Segment s, CpioEntry e, InitrdReader.Body body) -> all.add(e, body));
        }
        return all.distill();
    }

    /** True when {@code query} exists in the unpacked initrd, through its directory links. */
    boolean has(String query) {
        return present.contains(asked(query));
    }

    /** The text of the regular file at {@code query}, if the check reads its text and it is there. */
    Optional<String> text(String query) {
        return Optional.ofNullable(texts.get(asked(query)));
    }

    private static String asked(String query) {
        if (!QUERIES.contains(query)) {
            throw new IllegalArgumentException("'" + query + "' is not in InitrdContents.QUERIES: add it there");
        }
        return query;
    }

    /** Every entry of the files: paths, symbolic links, and the text of the files the check reads. */
    private static final class Listing {
        private final Set<String> paths = new HashSet<>();
        private final Map<String, String> links = new HashMap<>();
        private final Map<String, String> texts = new HashMap<>();

        void add(CpioEntry e, InitrdReader.Body body) throws IOException {
            String path = e.path();
            if (path.equals("TRAILER!!!") || path.equals(".") || path.isEmpty()) {
                return;
            }
            paths.add(path);
            links.remove(path);
            texts.remove(path);
            if (e.isSymlink()) {
                links.put(path, e.linkTarget());
            } else if (e.isRegular() && Generator.wantsText(path) && e.size() <= MAX_TEXT) {
                ByteArrayOutputStream b = new ByteArrayOutputStream();
                body.copyTo(b);
                texts.put(path, b.toString(StandardCharsets.UTF_8));
            }
        }

        InitrdContents distill() {
            Set<String> present = new TreeSet<>();
            Map<String, String> text = new TreeMap<>();
            for (String q : QUERIES) {
                Optional<String> at = resolve(q);
                if (at.isPresent() && paths.contains(at.get())) {
                    present.add(q);
                }
                at.map(texts::get).ifPresent(t -> text.put(q, t));
            }
            List<String> modules = new ArrayList<>();
            Pattern module = Pattern.compile(MODULES);
            for (String p : paths) {
                if (module.matcher(p).matches()) {
                    modules.add(p);
                }
            }
            return new InitrdContents(present, text, new TreeSet<>(modules));
        }

        /** {@code path} with the initrd's symbolic links followed, inside the initrd; empty on a loop. */
        private Optional<String> resolve(String path) {
            String current = normalize(path);
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
}

package io.overlayboot.initramfs;

import io.overlayboot.render.RenderedFile;
import io.overlayboot.render.Renderer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The initramfs overlay {@code pack} writes, laid out for initramfs-tools' runtime: the boot
 * script at {@code scripts/init-bottom/overlayboot} with the boot library it sources
 * ({@link Renderer#LIBRARY}), the config at {@code etc/overlayboot.conf},
 * the helper when present, a merged {@code scripts/init-bottom/ORDER} that runs overlayboot last,
 * and the overlay module with fresh module indexes when the existing initrd lacks it.
 *
 * @param entries what to write, in order: the marker first, then sorted by name
 * @param notes one line per decision worth telling the user
 */
public record Overlay(List<PackEntry> entries, List<String> notes) {
    static final String SCRIPT_SOURCE = Renderer.INIT_BOTTOM;
    static final String SCRIPT = "scripts/init-bottom/overlayboot";
    static final String CONFIG = Renderer.CONFIG;
    /** The rendered files the overlay is made of, as {@code overlayboot render} lays them out. */
    public static final List<String> RENDERED = List.of(SCRIPT_SOURCE, Renderer.LIBRARY, CONFIG);
    static final String HELPER = "usr/lib/overlayboot/overlayboot-helper";

    /** Thrown when an input the overlay needs is missing; the CLI turns it into a user error. */
    public static final class MissingInput extends IOException {
        private final String hint;

        MissingInput(String message, String hint) {
            super(message);
            this.hint = hint;
        }

        public String hint() {
            return hint;
        }
    }

    /**
     * Builds the overlay.
     *
     * @param rendered the rendered tree ({@code overlayboot render}'s files)
     * @param initrd the existing initrd, or null
     * @param facts what {@link InitrdFacts#scan} found in it, or null
     * @param root where to take the overlay module and the helper from (normally {@code /})
     * @param work an empty scratch directory
     */
    public static Overlay build(List<RenderedFile> rendered, Path initrd, InitrdFacts facts, Path root, Path work)
            throws IOException {
        Map<String, RenderedFile> byPath = new TreeMap<>();
        rendered.forEach(f -> byPath.put(f.path(), f));
        RenderedFile script = byPath.get(SCRIPT_SOURCE);
        RenderedFile library = byPath.get(Renderer.LIBRARY);
        RenderedFile config = byPath.get(CONFIG);
        if (script == null || library == null || config == null) {
            throw new MissingInput("the rendered tree lacks " + (script == null ? SCRIPT_SOURCE : library == null ? Renderer.LIBRARY : CONFIG),
                    "give the output of 'overlayboot render --out DIR' to --from, or leave --from out");
        }
        List<String> notes = new ArrayList<>();
        Map<String, PackEntry> files = new TreeMap<>(DirectoryTree::compareBytes);
        put(files, PackEntry.file(SCRIPT, 0755, script.content()));
        put(files, PackEntry.file(Renderer.LIBRARY, 0644, library.content()));
        put(files, PackEntry.file(CONFIG, 0644, config.content()));
        Path helper = root.resolve(HELPER);
        if (Files.isRegularFile(helper)) {
            put(files, PackEntry.file(HELPER, 0755, helper, Files.size(helper)));
            notes.add("added the helper " + helper);
        }
        if (facts != null) {
            put(files, PackEntry.file(InitrdFacts.ORDER, 0644, OrderFile.merge(facts.order()).getBytes(StandardCharsets.UTF_8)));
            notes.add(facts.order() == null
                    ? "the initrd has no " + InitrdFacts.ORDER + "; wrote one that runs overlayboot"
                    : "merged " + InitrdFacts.ORDER + " so that overlayboot runs last");
            if (facts.hasOverlayModule()) {
                notes.add("the initrd already has the overlay module");
            } else {
                addModule(files, initrd, facts, root, work, notes);
            }
        } else {
            notes.add("no --initrd: no " + InitrdFacts.ORDER + " written, so initramfs-tools will not run overlayboot from"
                    + " this overlay alone (use --initrd or --append-to)");
        }
        List<PackEntry> entries = new ArrayList<>();
        entries.add(PackEntry.directory("conf", 0755));
        entries.add(PackEntry.file(InitrdFacts.MARKER, 0644, "overlayboot overlay\n".getBytes(StandardCharsets.UTF_8)));
        for (PackEntry e : withParents(files)) {
            if (!e.name().equals("conf")) {
                entries.add(e);
            }
        }
        return new Overlay(List.copyOf(entries), List.copyOf(notes));
    }

    private static void addModule(Map<String, PackEntry> files, Path initrd, InitrdFacts facts, Path root, Path work,
            List<String> notes) throws IOException {
        String version = facts.kernelVersion();
        if (version == null) {
            throw new MissingInput("the initrd lacks the overlay module and its kernel version is unclear (module"
                    + " directories: " + facts.modulesDirs() + ")", "build the initrd with the overlay module (MODULES=most)");
        }
        Path module = OverlayModule.find(root, version);
        if (module == null) {
            throw new MissingInput("the initrd lacks the overlay module and " + root.resolve("lib/modules").resolve(version)
                    + " has no kernel/fs/overlayfs/overlay.ko", "install linux-image-" + version + " or point --root at a tree that has it");
        }
        String modulesDir = facts.modulesDirs().stream().filter(d -> d.endsWith("/" + version))
                .min(Comparator.comparing(String::length)).orElseThrow();
        // Prefer the real directory over the lib -> usr/lib link.
        if (facts.modulesDirs().contains("usr/" + modulesDir)) {
            modulesDir = "usr/" + modulesDir;
        }
        for (PackEntry e : OverlayModule.entries(initrd, facts, modulesDir, module, work)) {
            put(files, e);
        }
        notes.add("added the overlay module " + module + " and regenerated the module indexes of " + modulesDir);
    }

    private static void put(Map<String, PackEntry> files, PackEntry e) {
        files.put(e.name(), e);
    }

    /** Adds a 0755 directory entry for every missing parent; the kernel does not create parents. */
    private static List<PackEntry> withParents(Map<String, PackEntry> files) {
        Map<String, PackEntry> all = new TreeMap<>(DirectoryTree::compareBytes);
        all.putAll(files);
        for (String name : files.keySet()) {
            int i = name.indexOf('/');
            while (i > 0) {
                String dir = name.substring(0, i);
                all.putIfAbsent(dir, PackEntry.directory(dir, 0755));
                i = name.indexOf('/', i + 1);
            }
        }
        return List.copyOf(all.values());
    }
}

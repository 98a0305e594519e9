package io.overlayboot.install;

import io.overlayboot.core.Json;

import io.overlayboot.core.OverlaybootException;
import io.overlayboot.files.AtomicFiles;
import io.overlayboot.files.FileMeta;
import io.overlayboot.render.RenderRequest;
import io.overlayboot.render.Sysctl;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What install did to a target root, kept at {@value #PATH} so that uninstall can undo it byte for
 * byte and configure can change it: every file install created or replaced (with the hash, mode and
 * owner it wrote, and for a replaced file the same of the original plus where its bytes are backed
 * up), the directories it created, the options it was given and how GRUB was told.
 *
 * @param grub how the kernel parameter reaches GRUB
 * @param chosen the boot options chosen explicitly (setting name to value)
 * @param sysctl the {@code --sysctl} settings, as {@code KEY=VALUE}
 * @param bootChainPending true while update-initramfs/update-grub have not yet succeeded for the
 *     files on disk
 * @param directories directories install created, parents first
 * @param files every file install wrote, in the order written
 */
public record Manifest(GrubMethod grub, Map<String, String> chosen, List<String> sysctl, boolean bootChainPending,
        List<String> directories, List<Entry> files) {
    public static final String DIR = "var/lib/overlayboot";
    public static final String PATH = DIR + "/manifest.json";
    public static final String BACKUP_DIR = DIR + "/backup";
    private static final int FORMAT = 1;

    public Manifest {
        chosen = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(chosen));
        sysctl = List.copyOf(sysctl);
        directories = List.copyOf(directories);
        files = List.copyOf(files);
    }

    /** How the kernel parameter reaches GRUB. */
    public enum GrubMethod {
        /** {@code etc/default/grub.d/overlayboot.cfg}, read by the target's grub-mkconfig. */
        DROP_IN,
        /** {@code GRUB_CMDLINE_LINUX_DEFAULT} edited in {@code etc/default/grub}. */
        EDIT,
        /** No GRUB (or {@code --no-grub}): the boot loader is the admin's business. */
        NONE
    }

    /**
     * One file install wrote.
     *
     * @param path relative to the target root
     * @param sha256 hash of the bytes install wrote
     * @param meta mode and owner install left it with
     * @param original what was there before; empty when install created the file
     */
    public record Entry(String path, String sha256, FileMeta meta, Optional<Original> original) {}

    /**
     * A file install replaced.
     *
     * @param backup where its bytes are kept, relative to the target root
     */
    public record Original(String sha256, FileMeta meta, String backup) {}

    /** The render request this manifest's options describe. */
    public RenderRequest request() {
        return new RenderRequest(chosen, sysctl.stream().map(Sysctl::parse).toList(), grub == GrubMethod.DROP_IN);
    }

    public Optional<Entry> entry(String path) {
        return files.stream().filter(e -> e.path().equals(path)).findFirst();
    }

    public Manifest withBootChainPending(boolean pending) {
        return new Manifest(grub, chosen, sysctl, pending, directories, files);
    }

    /** Reads the manifest of {@code root}; empty when overlayboot is not installed there. */
    public static Optional<Manifest> load(Path root) {
        Path file = root.resolve(PATH);
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(fromJson(Files.readString(file)));
        } catch (IOException | RuntimeException e) {
            throw OverlaybootException.badInput("The install manifest " + file + " cannot be read: " + e.getMessage(),
                    "restore it from a backup; without it uninstall cannot know what to put back");
        }
    }

    /** Writes the manifest atomically under {@code root}. */
    public void store(Path root) throws IOException {
        AtomicFiles.write(root.resolve(PATH), toJson().getBytes(StandardCharsets.UTF_8), FileMeta.permissionsOf(0644));
    }

    String toJson() {
        Map<String, Object> top = new LinkedHashMap<>();
        top.put("format", FORMAT);
        top.put("grub", grub.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'));
        top.put("chosen", new LinkedHashMap<>(chosen));
        top.put("sysctl", sysctl);
        top.put("bootChainPending", bootChainPending);
        top.put("directories", directories);
        List<Object> list = new ArrayList<>();
        for (Entry e : files) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("path", e.path());
            m.put("sha256", e.sha256());
            meta(m, e.meta());
            e.original().ifPresent(o -> {
                Map<String, Object> om = new LinkedHashMap<>();
                om.put("sha256", o.sha256());
                meta(om, o.meta());
                om.put("backup", o.backup());
                m.put("original", om);
            });
            list.add(m);
        }
        top.put("files", list);
        return Json.writePretty(top);
    }

    @SuppressWarnings("unchecked")
    static Manifest fromJson(String text) {
        Map<String, Object> top = (Map<String, Object>) Json.parse(text);
        if (!(top.get("format") instanceof Number n) || n.longValue() != FORMAT || n instanceof Double) {
            throw new IllegalArgumentException("unknown format " + top.get("format"));
        }
        GrubMethod grub = GrubMethod.valueOf(str(top, "grub").toUpperCase(java.util.Locale.ROOT).replace('-', '_'));
        Map<String, String> chosen = new LinkedHashMap<>();
        ((Map<String, Object>) top.get("chosen")).forEach((k, v) -> chosen.put(k, (String) v));
        List<String> sysctl = (List<String>) (List<?>) top.get("sysctl");
        List<String> dirs = (List<String>) (List<?>) top.get("directories");
        List<Entry> files = new ArrayList<>();
        for (Object o : (List<Object>) top.get("files")) {
            Map<String, Object> m = (Map<String, Object>) o;
            Optional<Original> original = Optional.ofNullable((Map<String, Object>) m.get("original"))
                    .map(om -> new Original(str(om, "sha256"), meta(om), str(om, "backup")));
            files.add(new Entry(safePath(str(m, "path")), str(m, "sha256"), meta(m), original));
        }
        dirs.forEach(Manifest::safePath);
        files.forEach(e -> e.original().ifPresent(o -> safePath(o.backup())));
        return new Manifest(grub, chosen, sysctl, (Boolean) top.get("bootChainPending"), dirs, files);
    }

    private static void meta(Map<String, Object> m, FileMeta meta) {
        m.put("mode", meta.octalMode());
        m.put("owner", meta.owner());
        m.put("group", meta.group());
    }

    private static FileMeta meta(Map<String, Object> m) {
        return new FileMeta(Integer.parseInt(str(m, "mode"), 8), str(m, "owner"), str(m, "group"));
    }

    private static String str(Map<String, Object> m, String key) {
        Object v = m.get(key);
        if (!(v instanceof String s)) {
            throw new IllegalArgumentException("missing or non-text \"" + key + "\"");
        }
        return s;
    }

    /** A manifest path must stay inside the root: relative, no {@code ..}. */
    private static String safePath(String path) {
        if (path.isEmpty() || path.startsWith("/") || List.of(path.split("/")).contains("..")) {
            throw new IllegalArgumentException("path '" + path + "' leaves the target root");
        }
        return path;
    }
}

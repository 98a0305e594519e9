package io.overlayboot.install;

import io.overlayboot.core.Json;

import io.overlayboot.core.OverlaybootException;
import io.overlayboot.files.AtomicFiles;
import io.overlayboot.files.FileMeta;
import io.overlayboot.files.RootedPaths;
import io.overlayboot.settings.Setting;
import io.overlayboot.settings.Settings;
import io.overlayboot.render.RenderRequest;
import io.overlayboot.render.Sysctl;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
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
 * @param chosen the boot options chosen explicitly, by setting (stored under the setting's name)
 * @param sysctl the {@code --sysctl} settings, as values (the file keeps each as {@code KEY=VALUE} text,
 *     the syntax of {@code sysctl.d} and of {@code --sysctl}, read back by {@link Sysctl#parse})
 * @param bootChainPending true while update-initramfs/update-grub have not yet succeeded for the
 *     files on disk
 * @param directories directories install created, parents first
 * @param files every file install wrote, in the order written
 * @param packaged true when {@code overlayboot enable} wrote it on a machine where the Debian package
 *     carries the boot files (only the GRUB parameter and the config's settings are then overlayboot's);
 *     false for {@code overlayboot install}, which lays every boot file itself
 */
public record Manifest(GrubMethod grub, Map<Setting, String> chosen, List<Sysctl> sysctl, boolean bootChainPending,
        List<String> directories, List<Entry> files, boolean packaged) {
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

    /** A manifest of {@code overlayboot install} (not {@link #packaged}). */
    public Manifest(GrubMethod grub, Map<Setting, String> chosen, List<Sysctl> sysctl, boolean bootChainPending,
            List<String> directories, List<Entry> files) {
        this(grub, chosen, sysctl, bootChainPending, directories, files, false);
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
        return new RenderRequest(chosen, sysctl, grub == GrubMethod.DROP_IN);
    }

    /** {@code chosen} keyed by setting name, as the manifest file keeps it. */
    private static Map<String, String> byName(Map<Setting, String> chosen) {
        Map<String, String> names = new LinkedHashMap<>();
        chosen.forEach((setting, value) -> names.put(setting.name(), value));
        return names;
    }

    public Optional<Entry> entry(String path) {
        return files.stream().filter(e -> e.path().equals(path)).findFirst();
    }

    public Manifest withBootChainPending(boolean pending) {
        return new Manifest(grub, chosen, sysctl, pending, directories, files, packaged);
    }

    /** Reads the manifest of {@code root}; empty when overlayboot is not installed there. */
    public static Optional<Manifest> load(Path root) {
        Path file = RootedPaths.resolve(root, PATH);
        if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            return Optional.empty();
        }
        String text;
        try {
            if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                throw new IOException("not a regular file");
            }
            text = Files.readString(file);
        } catch (IOException e) {
            throw OverlaybootException.badInput("The install manifest " + file + " cannot be read: " + e.getMessage(),
                    "restore it from a backup; without it uninstall cannot know what to put back");
        }
        try {
            return Optional.of(fromJson(text));
        } catch (Invalid e) {
            throw OverlaybootException.badInput("The install manifest " + file + " is damaged: " + e.getMessage(),
                    "undo the hand edit or restore the file from a backup; without it uninstall cannot know what to put back");
        }
    }

    /** Writes the manifest atomically under {@code root}. */
    public void store(Path root) throws IOException {
        AtomicFiles.write(RootedPaths.resolve(root, PATH), toJson().getBytes(StandardCharsets.UTF_8), FileMeta.permissionsOf(0644));
    }

    String toJson() {
        Map<String, Object> top = new LinkedHashMap<>();
        top.put("format", FORMAT);
        top.put("grub", grub.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'));
        top.put("chosen", byName(chosen));
        top.put("sysctl", sysctl.stream().map(Sysctl::assignment).toList());
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
        if (packaged) { // absent from install's manifests, which stay as they were
            top.put("packaged", true);
        }
        return Json.writePretty(top);
    }

    /** What is wrong with a manifest, naming the field; the message is shown to the user as it is. */
    static final class Invalid extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Invalid(String message) {
            super(message, null, false, false);
        }
    }

    /** Parses and checks every field; a wrong one is an {@link Invalid} naming it. */
    static Manifest fromJson(String text) {
        Object parsed;
        try {
            parsed = Json.parse(text);
        } catch (RuntimeException e) {
            throw new Invalid("not JSON (" + e.getMessage() + ")");
        }
        Map<String, Object> top = object(parsed, "the top level");
        if (!(top.get("format") instanceof Number n) || n instanceof Double || n.longValue() != FORMAT) {
            throw new Invalid("\"format\" is " + Json.write(top.get("format")) + ", this version reads format " + FORMAT);
        }
        String grubName = str(top, "grub", "");
        GrubMethod grub = java.util.Arrays.stream(GrubMethod.values())
                .filter(g -> g.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-').equals(grubName)).findFirst()
                .orElseThrow(() -> new Invalid("\"grub\" is '" + grubName + "', expected drop-in, edit or none"));
        Map<Setting, String> chosen = new LinkedHashMap<>();
        object(top.get("chosen"), "\"chosen\"").forEach((k, v) -> {
            String where = "\"chosen\" \"" + k + "\"";
            Setting setting = Settings.byName(k).orElseThrow(() -> new Invalid(where + " is not a setting overlayboot knows"));
            if (!(v instanceof String value) || !setting.kind().accepts(value)) {
                throw new Invalid(where + " is " + Json.write(v) + ", expected " + setting.kind().expected());
            }
            chosen.put(setting, value);
        });
        List<String> assignments = strings(top, "sysctl", "");
        List<Sysctl> sysctl = new ArrayList<>();
        for (int i = 0; i < assignments.size(); i++) {
            try {
                sysctl.add(Sysctl.parse(assignments.get(i)));
            } catch (OverlaybootException e) {
                throw new Invalid("\"sysctl\"[" + i + "] is '" + assignments.get(i) + "', expected KEY=VALUE like vm.swappiness=10");
            }
        }
        if (!(top.get("bootChainPending") instanceof Boolean pending)) {
            throw new Invalid("\"bootChainPending\" is " + Json.write(top.get("bootChainPending")) + ", expected true or false");
        }
        List<String> dirs = strings(top, "directories", "");
        for (int i = 0; i < dirs.size(); i++) {
            safePath(dirs.get(i), "\"directories\"[" + i + "]");
        }
        List<Entry> files = new ArrayList<>();
        List<?> list = list(top.get("files"), "\"files\"");
        for (int i = 0; i < list.size(); i++) {
            String where = "\"files\"[" + i + "]";
            Map<String, Object> m = object(list.get(i), where);
            Optional<Original> original = Optional.empty();
            if (m.get("original") != null) {
                Map<String, Object> om = object(m.get("original"), where + ".original");
                original = Optional.of(new Original(str(om, "sha256", where + ".original"), meta(om, where + ".original"),
                        safePath(str(om, "backup", where + ".original"), where + ".original.backup")));
            }
            files.add(new Entry(safePath(str(m, "path", where), where + ".path"), str(m, "sha256", where), meta(m, where), original));
        }
        Object packaged = top.getOrDefault("packaged", false);
        if (!(packaged instanceof Boolean p)) {
            throw new Invalid("\"packaged\" is " + Json.write(packaged) + ", expected true or false");
        }
        return new Manifest(grub, chosen, sysctl, pending, dirs, files, p);
    }

    private static void meta(Map<String, Object> m, FileMeta meta) {
        m.put("mode", meta.octalMode());
        m.put("owner", meta.owner());
        m.put("group", meta.group());
    }

    private static FileMeta meta(Map<String, Object> m, String where) {
        String mode = str(m, "mode", where);
        if (!mode.matches("0?[0-7]{3}")) {
            throw new Invalid(where + ".mode is '" + mode + "', expected octal like 0644");
        }
        return new FileMeta(Integer.parseInt(mode, 8), str(m, "owner", where), str(m, "group", where));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> object(Object v, String where) {
        if (!(v instanceof Map<?, ?>)) {
            throw new Invalid(where + " is " + Json.write(v) + ", expected an object");
        }
        return (Map<String, Object>) v;
    }

    private static List<?> list(Object v, String where) {
        if (!(v instanceof List<?> l)) {
            throw new Invalid(where + " is " + Json.write(v) + ", expected a list");
        }
        return l;
    }

    private static List<String> strings(Map<String, Object> m, String key, String where) {
        String name = (where.isEmpty() ? "" : where + ".") + "\"" + key + "\"";
        List<?> l = list(m.get(key), name);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < l.size(); i++) {
            if (!(l.get(i) instanceof String s)) {
                throw new Invalid(name + "[" + i + "] is " + Json.write(l.get(i)) + ", expected text");
            }
            out.add(s);
        }
        return out;
    }

    private static String str(Map<String, Object> m, String key, String where) {
        Object v = m.get(key);
        if (!(v instanceof String s)) {
            throw new Invalid((where.isEmpty() ? "" : where + ".") + "\"" + key + "\" is " + Json.write(v) + ", expected text");
        }
        return s;
    }

    /** A manifest path must stay inside the root: relative, no {@code ..}. */
    private static String safePath(String path, String where) {
        if (path.isEmpty() || path.startsWith("/") || List.of(path.split("/")).contains("..")) {
            throw new Invalid(where + " '" + path + "' leaves the target root");
        }
        return path;
    }
}

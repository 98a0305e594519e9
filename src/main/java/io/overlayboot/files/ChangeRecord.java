package io.overlayboot.files;

import io.overlayboot.core.ExitCode;
import io.overlayboot.core.Json;
import io.overlayboot.core.OverlaybootException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * What a command that edits a few files of a root ({@code lock-boot}, {@code schedule}) changed,
 * kept in a JSON file of its own (mode 0600) so that its undo ({@code unlock-boot},
 * {@code schedule --off}) puts every byte back: each file or symbolic link it wrote, the hash (or
 * link target) it wrote, what was there before (bytes, mode and owner; none when it created it),
 * and the directories it created. The record is written before the files it describes, so a run
 * cut short can still be undone. Every path goes through {@link RootedPaths}, every write through
 * {@link AtomicFiles}.
 *
 * @param values the command's own facts (the GRUB user, the calendar spec), shown by its status
 * @param directories directories created, parents first
 * @param files every file written, in the order written
 */
public record ChangeRecord(Map<String, String> values, List<String> directories, List<File> files) {
    private static final int FORMAT = 1;

    public ChangeRecord {
        values = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(values));
        directories = List.copyOf(directories);
        files = List.copyOf(files);
    }

    /**
     * One file or link.
     *
     * @param path relative to the root
     * @param written the sha256 of the bytes written, or {@code link:TARGET} for a symbolic link
     * @param original what was there before; empty when it was created
     */
    public record File(String path, String written, Optional<Original> original) {}

    /** A file's bytes and metadata before the change. */
    public record Original(byte[] bytes, FileMeta meta) {}

    /**
     * A file to have: {@code bytes} (a new file gets {@code mode}), or a symbolic link to {@code link}.
     *
     * @param path relative to the root
     * @param bytes the content; null for a link
     * @param mode the mode of a new file
     * @param link the link's target; null for a file
     */
    public record Wanted(String path, byte[] bytes, int mode, String link) {
        public static Wanted file(String path, String text, int mode) {
            return new Wanted(path, text.getBytes(StandardCharsets.UTF_8), mode, null);
        }

        public static Wanted file(String path, byte[] bytes, int mode) {
            return new Wanted(path, bytes, mode, null);
        }

        public static Wanted link(String path, String target) {
            return new Wanted(path, null, 0777, target);
        }

        String written() {
            return link != null ? "link:" + link : Digests.sha256Hex(bytes);
        }
    }

    /** The record at {@code recordPath} under {@code root}; empty when there is none. */
    public static Optional<ChangeRecord> load(Path root, String recordPath, Function<String, String> show) {
        Path file = RootedPaths.resolve(root, recordPath);
        if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            return Optional.empty();
        }
        String text = new String(readFile(file), StandardCharsets.UTF_8);
        try {
            return Optional.of(fromJson(text));
        } catch (RuntimeException e) {
            throw OverlaybootException.badInput("The record " + show.apply(recordPath) + " is damaged (" + e.getMessage() + ")",
                    "restore it from a backup; without it the change cannot be undone byte for byte");
        }
    }

    /**
     * Brings the files of {@code wanted} about under {@code root}, recording first, and returns
     * each change as {@code create|change PATH}. An earlier record at {@code recordPath} is
     * extended: what was there before it stays the original. A wanted file already as wanted is
     * left alone (and not recorded, unless an earlier run recorded it).
     */
    public static List<String> apply(Path root, String recordPath, Map<String, String> values, List<Wanted> wanted,
            Function<String, String> show) {
        Optional<ChangeRecord> earlier = load(root, recordPath, show);
        List<String> dirs = new ArrayList<>(earlier.map(ChangeRecord::directories).orElse(List.of()));
        List<File> files = new ArrayList<>(earlier.map(ChangeRecord::files).orElse(List.of()));
        List<Wanted> todo = new ArrayList<>();
        List<String> changes = new ArrayList<>();
        for (Wanted w : wanted) {
            Path path = RootedPaths.resolve(root, w.path());
            boolean exists = Files.exists(path, LinkOption.NOFOLLOW_LINKS);
            if (exists && isAlready(path, w)) {
                continue;
            }
            if (w.link() != null && exists) {
                throw OverlaybootException.environment(show.apply(w.path()) + " exists and is not the link to " + w.link() + " expected there",
                        "look at it and remove it if it is a leftover, then run this again");
            }
            Optional<File> known = earlier.flatMap(r -> r.file(w.path()));
            Optional<Original> original = known.isPresent() ? known.get().original()
                    : exists ? Optional.of(new Original(readFile(path), meta(path))) : Optional.empty();
            files.removeIf(f -> f.path().equals(w.path()));
            files.add(new File(w.path(), w.written(), original));
            todo.add(w);
            changes.add((exists ? "change " : "create ") + show.apply(w.path()));
        }
        if (todo.isEmpty()) {
            return List.of();
        }
        List<String> needed = new ArrayList<>();
        needed.add(parent(recordPath));
        todo.forEach(w -> needed.add(parent(w.path())));
        for (String dir : needed) {
            createDirectories(root, dir, dirs, show);
        }
        ChangeRecord record = new ChangeRecord(values, dirs, files);
        write(root, recordPath, record.toJson().getBytes(StandardCharsets.UTF_8), 0600, show);
        for (Wanted w : todo) {
            if (w.link() != null) {
                link(root, w, show);
            } else {
                write(root, w.path(), w.bytes(), w.mode(), show);
            }
        }
        return changes;
    }

    /**
     * Puts back every byte of the record at {@code recordPath} and deletes it; returns each change as
     * {@code change|remove PATH}, empty when there was no record. A file changed since is refused
     * ({@link ExitCode#ENVIRONMENT}) unless {@code force}.
     */
    public static List<String> undo(Path root, String recordPath, boolean force, Function<String, String> show) {
        Optional<ChangeRecord> loaded = load(root, recordPath, show);
        if (loaded.isEmpty()) {
            return List.of();
        }
        ChangeRecord record = loaded.get();
        List<String> changedSince = new ArrayList<>();
        for (File f : record.files()) {
            Path path = RootedPaths.resolve(root, f.path());
            if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
                changedSince.add(show.apply(f.path()) + " (gone)");
            } else if (!written(path).equals(f.written())) {
                changedSince.add(show.apply(f.path()));
            }
        }
        if (!changedSince.isEmpty() && !force) {
            throw OverlaybootException.environment("Changed since it was written: " + String.join(", ", changedSince)
                    + "; nothing was put back", "look at the changes; --force puts the bytes from before back anyway");
        }
        List<String> changes = new ArrayList<>();
        for (File f : record.files().reversed()) {
            Path path = RootedPaths.resolve(root, f.path());
            try {
                if (f.original().isPresent()) {
                    if (Files.isSymbolicLink(path)) {
                        Files.delete(path);
                    }
                    AtomicFiles.write(path, f.original().get().bytes(), f.original().get().meta());
                    changes.add("change " + show.apply(f.path()));
                } else if (Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
                    AtomicFiles.delete(path);
                    changes.add("remove " + show.apply(f.path()));
                }
            } catch (IOException e) {
                throw failed(show.apply(f.path()), show.apply(recordPath), e);
            }
        }
        try {
            AtomicFiles.delete(RootedPaths.resolve(root, recordPath));
            for (String dir : record.directories().reversed()) {
                Path d = RootedPaths.resolve(root, dir);
                if (Files.isDirectory(d, LinkOption.NOFOLLOW_LINKS)) {
                    try (var s = Files.list(d)) {
                        if (s.findAny().isEmpty()) {
                            Files.delete(d);
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw failed(show.apply(recordPath), show.apply(recordPath), e);
        }
        return changes;
    }

    public Optional<File> file(String path) {
        return files.stream().filter(f -> f.path().equals(path)).findFirst();
    }

    private static boolean isAlready(Path path, Wanted w) {
        return written(path).equals(w.written());
    }

    /** What is at {@code path} in the record's terms: {@code link:TARGET}, or the sha256 of a regular file. */
    private static String written(Path path) {
        try {
            if (Files.isSymbolicLink(path)) {
                return "link:" + Files.readSymbolicLink(path);
            }
            return Digests.sha256Hex(readFile(path));
        } catch (IOException e) {
            throw OverlaybootException.environment("Cannot read " + path + ": " + e.getMessage(), null);
        }
    }

    private static byte[] readFile(Path file) {
        try {
            if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                throw new IOException("not a regular file");
            }
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw OverlaybootException.environment("Cannot read " + file + ": " + e.getMessage(),
                    "overlayboot reads and writes only regular files there");
        }
    }

    private static FileMeta meta(Path file) {
        try {
            return FileMeta.read(file);
        } catch (IOException e) {
            throw OverlaybootException.environment("Cannot read the mode and owner of " + file + ": " + e.getMessage(), null);
        }
    }

    private static String parent(String path) {
        int slash = path.lastIndexOf('/');
        return slash < 0 ? "" : path.substring(0, slash);
    }

    private static void createDirectories(Path root, String dir, List<String> created, Function<String, String> show) {
        String sofar = "";
        for (String name : dir.isEmpty() ? new String[0] : dir.split("/")) {
            sofar = sofar.isEmpty() ? name : sofar + "/" + name;
            Path d = RootedPaths.resolve(root, sofar);
            if (!Files.exists(d, LinkOption.NOFOLLOW_LINKS)) {
                try {
                    Files.createDirectory(d);
                    Files.setPosixFilePermissions(d, FileMeta.permissionsOf(0755));
                } catch (IOException e) {
                    throw failed(show.apply(sofar), "", e);
                }
                created.add(sofar);
            }
        }
    }

    private static void write(Path root, String relative, byte[] bytes, int mode, Function<String, String> show) {
        try {
            AtomicFiles.write(RootedPaths.resolve(root, relative), bytes, FileMeta.permissionsOf(mode));
        } catch (IOException e) {
            throw failed(show.apply(relative), "", e);
        }
    }

    /** A link made under a temporary name and renamed into place. */
    private static void link(Path root, Wanted w, Function<String, String> show) {
        Path path = RootedPaths.resolve(root, w.path());
        Path temp = path.resolveSibling("." + path.getFileName() + ".overlayboot-tmp");
        try {
            Files.deleteIfExists(temp);
            Files.createSymbolicLink(temp, Path.of(w.link()));
            Files.move(temp, path, StandardCopyOption.ATOMIC_MOVE);
            AtomicFiles.syncDirectory(path.getParent());
        } catch (IOException e) {
            throw failed(show.apply(w.path()), "", e);
        }
    }

    private static OverlaybootException failed(String what, String record, IOException e) {
        return new OverlaybootException(ExitCode.EXTERNAL_FAILURE, "Cannot write " + what + ": " + e.getMessage(),
                "fix the cause and run the command again" + (record.isEmpty() ? "" : "; " + record + " records what was done so far"), e);
    }

    String toJson() {
        List<Object> list = new ArrayList<>();
        for (File f : files) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("path", f.path());
            m.put("written", f.written());
            f.original().ifPresent(o -> m.put("original", Json.object("base64", Base64.getEncoder().encodeToString(o.bytes()),
                    "mode", o.meta().octalMode(), "owner", o.meta().owner(), "group", o.meta().group())));
            list.add(m);
        }
        return Json.writePretty(Json.object("format", FORMAT, "values", values, "directories", directories, "files", list)) + "\n";
    }

    static ChangeRecord fromJson(String text) {
        Map<String, Object> top = map(Json.parse(text));
        if (!(top.get("format") instanceof Number n) || n.intValue() != FORMAT) {
            throw new IllegalArgumentException("format is " + top.get("format") + ", expected " + FORMAT);
        }
        Map<String, String> values = new LinkedHashMap<>();
        map(top.get("values")).forEach((k, v) -> values.put(k, (String) v));
        List<String> dirs = new ArrayList<>();
        for (Object d : (List<?>) top.get("directories")) {
            dirs.add(safe((String) d));
        }
        List<File> files = new ArrayList<>();
        for (Object o : (List<?>) top.get("files")) {
            Map<String, Object> m = map(o);
            Optional<Original> original = Optional.empty();
            if (m.get("original") != null) {
                Map<String, Object> om = map(m.get("original"));
                original = Optional.of(new Original(Base64.getDecoder().decode((String) om.get("base64")),
                        new FileMeta(Integer.parseInt((String) om.get("mode"), 8), (String) om.get("owner"), (String) om.get("group"))));
            }
            files.add(new File(safe((String) m.get("path")), (String) m.get("written"), original));
        }
        return new ChangeRecord(values, dirs, files);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        if (!(o instanceof Map<?, ?>)) {
            throw new IllegalArgumentException("expected an object, got " + Json.write(o));
        }
        return (Map<String, Object>) o;
    }

    private static String safe(String path) {
        if (path == null || path.isEmpty() || path.startsWith("/") || Arrays.asList(path.split("/")).contains("..")) {
            throw new IllegalArgumentException("path '" + path + "' leaves the root");
        }
        return path;
    }
}

package io.overlayboot.grub;

import io.overlayboot.core.Json;
import io.overlayboot.core.OverlaybootException;
import io.overlayboot.files.FileMeta;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What {@code lock-boot} changed, kept at {@value #PATH} (mode 0600) so that {@code unlock-boot}
 * puts every byte back: each file it wrote, with the hash of what it wrote and what was there
 * before (the bytes themselves, mode and owner; none for a file it created), and the directories
 * it created. Written before the files it describes, so a run cut short can still be undone.
 *
 * @param user the GRUB superuser
 * @param directories directories lock-boot created, parents first
 * @param files every file lock-boot wrote, in the order written
 */
record LockRecord(String user, List<String> directories, List<File> files) {
    static final String PATH = "var/lib/overlayboot/boot-lock.json";
    private static final int FORMAT = 1;

    LockRecord {
        directories = List.copyOf(directories);
        files = List.copyOf(files);
    }

    /**
     * One file.
     *
     * @param path relative to the root
     * @param sha256 hash of the bytes lock-boot wrote
     * @param original what was there before; empty when lock-boot created it
     */
    record File(String path, String sha256, Optional<Original> original) {}

    /** A file's bytes and metadata before lock-boot. */
    record Original(byte[] bytes, FileMeta meta) {}

    Optional<File> file(String path) {
        return files.stream().filter(f -> f.path().equals(path)).findFirst();
    }

    String toJson() {
        List<Object> list = new ArrayList<>();
        for (File f : files) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("path", f.path());
            m.put("sha256", f.sha256());
            f.original().ifPresent(o -> m.put("original", Json.object("base64", Base64.getEncoder().encodeToString(o.bytes()),
                    "mode", o.meta().octalMode(), "owner", o.meta().owner(), "group", o.meta().group())));
            list.add(m);
        }
        return Json.writePretty(Json.object("format", FORMAT, "user", user, "directories", directories, "files", list));
    }

    /** Parses a record; a damaged one is refused naming the file, since without it nothing can be put back. */
    static LockRecord fromJson(String text, String shown) {
        try {
            Map<String, Object> top = map(Json.parse(text));
            if (!(top.get("format") instanceof Number n) || n.intValue() != FORMAT) {
                throw new IllegalArgumentException("format is " + top.get("format") + ", expected " + FORMAT);
            }
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
                files.add(new File(safe((String) m.get("path")), (String) m.get("sha256"), original));
            }
            return new LockRecord((String) top.get("user"), dirs, files);
        } catch (RuntimeException e) {
            throw OverlaybootException.badInput("The boot lock record " + shown + " is damaged (" + e.getMessage() + ")",
                    "restore it from a backup, or undo lock-boot by hand: remove /etc/grub.d/" + BootLock.FRAGMENT.substring("etc/grub.d/".length())
                            + " and /" + BootLock.DROP_IN + ", take --unrestricted out of CLASS= in /etc/grub.d/10_linux, run update-grub");
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        if (!(o instanceof Map<?, ?>)) {
            throw new IllegalArgumentException("expected an object, got " + Json.write(o));
        }
        return (Map<String, Object>) o;
    }

    private static String safe(String path) {
        if (path == null || path.isEmpty() || path.startsWith("/") || List.of(path.split("/")).contains("..")) {
            throw new IllegalArgumentException("path '" + path + "' leaves the root");
        }
        return path;
    }
}

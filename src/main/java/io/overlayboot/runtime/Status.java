package io.overlayboot.runtime;

import io.overlayboot.core.OverlaybootException;
import io.overlayboot.settings.OutsideText;
import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What protects this machine right now: what the boot script recorded in
 * {@code /run/overlayboot/state}, what {@code /proc/mounts} says about {@code /}, and how full the
 * upper layer is. The state alone can lie (a later remount); the mount table decides.
 *
 * @param protectedNow whether {@code /} is a union right now
 * @param rootType the filesystem type mounted at {@code /}
 * @param state the boot script's record (empty when it did not run or did nothing)
 * @param upperTotal bytes of the upper layer's filesystem (0 when unknown)
 * @param upperUsed bytes used in it
 */
public record Status(boolean protectedNow, String rootType, Map<String, String> state, long upperTotal, long upperUsed) {
    public Status {
        state = Map.copyOf(state);
    }

    /**
     * Reads the status of the system whose {@code /} is {@code root} (the running one: {@code /}).
     * Both files are read as bytes: the state record may hold anything an older boot script wrote,
     * and is shown escaped; a mount table that cannot be read, or is not one, is a one-line error.
     */
    public static Status read(Path root, Path procMounts) throws IOException {
        String rootType = rootType(procMounts);
        Map<String, String> state = new LinkedHashMap<>();
        Path stateFile = root.resolve("run/overlayboot/state");
        if (Files.isRegularFile(stateFile)) {
            for (byte[] line : lines(stateFile, "the boot record")) {
                String text = OutsideText.escape(line);
                int eq = text.indexOf('=');
                if (eq > 0) {
                    state.merge(text.substring(0, eq), text.substring(eq + 1), (a, b) -> a + "\n" + b);
                }
            }
        }
        long total = 0;
        long used = 0;
        Path rw = root.resolve("rw");
        boolean union = rootType.equals("overlay") || rootType.equals("aufs");
        if (union && Files.isDirectory(rw)) {
            FileStore store = Files.getFileStore(rw);
            total = store.getTotalSpace();
            used = total - store.getUnallocatedSpace();
        }
        return new Status(union, rootType, state, total, used);
    }

    /** The type of the topmost filesystem at {@code /}, or "unknown" (a chroot may not see it). */
    private static String rootType(Path procMounts) {
        String type = "unknown";
        int number = 0;
        for (byte[] raw : lines(procMounts, "the mount table")) {
            number++;
            String line = OutsideText.escape(raw);
            if (line.isBlank()) {
                continue;
            }
            String[] f = line.strip().split("[ \t]+");
            if (f.length < 4 || !f[1].startsWith("/")) {
                throw OverlaybootException.badInput("Line " + number + " of " + procMounts
                        + " is not a mount table line: '" + abbreviate(line) + "'",
                        "name a copy of /proc/self/mounts with --mounts");
            }
            if (f[1].equals("/")) {
                type = f[2];
            }
        }
        return type;
    }

    private static List<byte[]> lines(Path file, String what) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw OverlaybootException.environment("Cannot read " + what + " " + file + ": no such file",
                    "check the path (the mount table of this machine is /proc/self/mounts)");
        } catch (IOException e) {
            throw OverlaybootException.environment("Cannot read " + what + " " + file + ": "
                    + (Files.isDirectory(file) ? "it is a directory" : String.valueOf(e.getMessage())),
                    "name a regular file");
        }
        List<byte[]> lines = new ArrayList<>();
        int start = 0;
        for (int i = 0; i <= bytes.length; i++) {
            if (i == bytes.length || bytes[i] == '\n') {
                if (i > start || i < bytes.length) {
                    lines.add(Arrays.copyOfRange(bytes, start, i));
                }
                start = i + 1;
            }
        }
        return lines;
    }

    private static String abbreviate(String line) {
        return line.length() <= 60 ? line : line.substring(0, 60) + "...";
    }

    public Optional<Integer> upperPercentUsed() {
        return upperTotal > 0 ? Optional.of((int) Math.round(100.0 * upperUsed / upperTotal)) : Optional.empty();
    }

    /** One line per fact, for people. */
    public List<String> describe() {
        List<String> lines = new java.util.ArrayList<>();
        if (protectedNow) {
            lines.add("protected: / is a " + rootType + " union; writes are lost at reboot");
            upperPercentUsed().ifPresent(p -> lines.add("upper layer (/rw): " + p + "% used, "
                    + human(upperUsed) + " of " + human(upperTotal)
                    + (p >= 90 ? " -- nearly full: writes will fail with 'No space left on device'" : "")));
        } else {
            lines.add("NOT protected: / is " + rootType + "; writes go to disk");
        }
        String status = state.get("status");
        if (status != null) {
            lines.add("boot: " + status + ": " + state.getOrDefault("message", ""));
        }
        String warnings = state.get("warning");
        if (warnings != null) {
            warnings.lines().forEach(w -> lines.add("boot warning: " + w));
        }
        return lines;
    }

    static String human(long bytes) {
        if (bytes < 1024 * 1024) {
            return (bytes / 1024) + " KiB";
        }
        if (bytes < 1024L * 1024 * 1024) {
            return (bytes / (1024 * 1024)) + " MiB";
        }
        return String.format("%.1f GiB", bytes / (1024.0 * 1024 * 1024));
    }
}

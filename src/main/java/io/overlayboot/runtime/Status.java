package io.overlayboot.runtime;

import io.overlayboot.core.OverlaybootException;
import io.overlayboot.files.ProcMounts;
import io.overlayboot.settings.OutsideText;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
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
 * {@code /run/overlayboot/state}, what {@code /proc/mounts} says about {@code /}, {@code /ro} (the
 * lower layer) and {@code /rw} (the upper layer), and how full each is. The state alone can lie (a
 * later remount); the mount table decides.
 *
 * @param protectedNow whether {@code /} is a union right now
 * @param rootType the filesystem type mounted at {@code /}
 * @param state the boot script's record (empty when it did not run or did nothing)
 * @param lower the read-only lower layer at {@code /ro}, when protected and mounted
 * @param upper the upper layer at {@code /rw}, when protected and mounted
 * @param ramBytes the machine's RAM ({@code MemTotal} of {@code /proc/meminfo}), 0 when unknown
 */
public record Status(boolean protectedNow, String rootType, Map<String, String> state, Optional<Layer> lower,
        Optional<Layer> upper, long ramBytes) {
    public Status {
        state = Map.copyOf(state);
    }

    /**
     * One layer of the union as mounted.
     *
     * @param mountPoint where it is mounted, {@code /ro} or {@code /rw}
     * @param device the mount table's source field (a device, or the tmpfs's name)
     * @param type its filesystem type
     * @param size bytes of its filesystem (0 when unknown)
     * @param used bytes used in it
     * @param free bytes free in it
     */
    public record Layer(String mountPoint, String device, String type, long size, long used, long free) {
        /** Whole percent used, if the size is known. */
        public Optional<Integer> percentUsed() {
            return size > 0 ? Optional.of((int) Math.round(100.0 * used / size)) : Optional.empty();
        }
    }

    /** Bytes of the upper layer's filesystem, 0 when unknown. */
    public long upperTotal() {
        return upper.map(Layer::size).orElse(0L);
    }

    /** Bytes used in the upper layer, 0 when unknown. */
    public long upperUsed() {
        return upper.map(Layer::used).orElse(0L);
    }

    /**
     * Reads the status of the system whose {@code /} is {@code root} (the running one: {@code /}).
     * Both files are read as bytes: the state record may hold anything an older boot script wrote,
     * and is shown escaped; a mount table that cannot be read, or is not one, is a one-line error.
     */
    public static Status read(Path root, Path procMounts) throws IOException {
        Map<String, String[]> table = underRoot(root, mountTable(procMounts));
        String rootType = table.containsKey("/") ? table.get("/")[1] : "unknown";
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
        boolean union = rootType.equals("overlay") || rootType.equals("aufs");
        Optional<Layer> lower = union ? layer(root, "/ro", table) : Optional.empty();
        Optional<Layer> upper = union ? layer(root, "/rw", table) : Optional.empty();
        return new Status(union, rootType, state, lower, upper, memTotal(root.resolve("proc/meminfo")));
    }

    /**
     * The layer mounted at {@code mountPoint}, with the sizes of its filesystem. Without a line in
     * the mount table (an older boot, a chroot) the directory still counts when it exists, with
     * device and type unknown.
     */
    private static Optional<Layer> layer(Path root, String mountPoint, Map<String, String[]> table) throws IOException {
        Path dir = root.resolve(mountPoint.substring(1));
        if (!Files.isDirectory(dir)) {
            return Optional.empty();
        }
        String[] line = table.getOrDefault(mountPoint, new String[] {"", ""});
        // statvfs through java.io.File, not Files.getFileStore: that one reads the whole mount table
        // again to name the store, ~5 ms of every status on a protected machine; the sizes are the
        // same (f_blocks and f_bfree times f_frsize), 0 when statvfs fails
        java.io.File at = dir.toFile();
        long size = at.getTotalSpace();
        long free = at.getFreeSpace();
        if (size == 0) {
            return Optional.empty(); // statvfs failed (or a tmpfs without a size): unknown, not full
        }
        return Optional.of(new Layer(mountPoint, line[0], line[1], size, size - free, free));
    }

    /** {@code MemTotal} in bytes, 0 when the file is missing or has none. */
    private static long memTotal(Path meminfo) {
        try {
            for (String line : Files.readAllLines(meminfo)) {
                // split on blanks without a regex: "\\s" makes the JDK spin a lambda class at every
                // start (java.util.regex.CharPredicates, which the AOT cache does not keep)
                java.util.StringTokenizer f = new java.util.StringTokenizer(line);
                if (f.countTokens() >= 2 && f.nextToken().equals("MemTotal:")) {
                    long value = Long.parseLong(f.nextToken());
                    return value * (f.hasMoreTokens() && f.nextToken().equals("kB") ? 1024 : 1);
                }
            }
        } catch (IOException | NumberFormatException | java.io.UncheckedIOException e) {
            return 0;
        }
        return 0;
    }

    /**
     * The mounts of the system at {@code root} when it is mounted somewhere else than {@code /}:
     * the lines at {@code root} and below it, with {@code root} taken off ({@code /mnt/x/rw} is
     * {@code /rw}). A table with no such line is taken as the root's own (a saved copy).
     */
    private static Map<String, String[]> underRoot(Path root, Map<String, String[]> table) {
        String prefix = root.toAbsolutePath().normalize().toString();
        if (prefix.equals("/")) {
            return table;
        }
        Map<String, String[]> inside = new LinkedHashMap<>();
        table.forEach((mountPoint, line) -> {
            if (mountPoint.equals(prefix)) {
                inside.put("/", line);
            } else if (mountPoint.startsWith(prefix + "/")) {
                inside.put(mountPoint.substring(prefix.length()), line);
            }
        });
        return inside.isEmpty() ? table : inside;
    }

    /**
     * Mount point (unescaped) to its source (escaped for display) and type, the topmost mount
     * winning (a chroot may see no {@code /}).
     */
    private static Map<String, String[]> mountTable(Path procMounts) {
        List<String> text = new ArrayList<>();
        for (byte[] line : lines(procMounts, "the mount table")) {
            text.add(new String(line, StandardCharsets.ISO_8859_1));
        }
        ProcMounts mounts;
        try {
            mounts = ProcMounts.parse(text);
        } catch (ProcMounts.MalformedLine e) {
            throw OverlaybootException.badInput("Line " + e.number() + " of " + procMounts
                    + " is not a mount table line: '" + abbreviate(shown(e.line())) + "'",
                    "name a copy of /proc/self/mounts with --mounts");
        }
        Map<String, String[]> table = new LinkedHashMap<>();
        for (ProcMounts.Mount m : mounts.mounts()) {
            table.put(m.point(), new String[] {shown(m.source()), m.type()});
        }
        return table;
    }

    /** A field read as ISO-8859-1 (one char a byte), every byte outside printable ASCII as {@code \xHH}. */
    private static String shown(String field) {
        return OutsideText.escape(field.getBytes(StandardCharsets.ISO_8859_1));
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
        return upper.flatMap(Layer::percentUsed);
    }

    /** One line per fact, for people. */
    public List<String> describe() {
        List<String> lines = new java.util.ArrayList<>();
        if (protectedNow) {
            // the type is overlay or aufs: both take "an"
            lines.add("protected: / is an " + rootType + " union; writes are lost at reboot");
            upperPercentUsed().ifPresent(p -> lines.add("upper layer (/rw): " + p + "% used, "
                    + human(upperUsed()) + " of " + human(upperTotal())
                    + (p >= 90 ? " -- nearly full: writes will fail with 'No space left on device'" : "")));
        } else {
            lines.add("NOT protected: / is " + rootType + "; writes go to disk");
        }
        String status = state.get("status");
        if (status != null) {
            // the boot script's own message may already start with the status word
            // ("protected: writes go to ..."): said once, not "boot: protected: protected: ..."
            String message = state.getOrDefault("message", "");
            lines.add("boot: " + (message.startsWith(status + ": ") ? message : status + ": " + message));
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
        // one decimal, rounded half up as "%.1f" rounds, without String.format: its Formatter loads the
        // locale data, a tenth of status's start (and a decimal comma in some locales, which scripts
        // reading this line do not expect)
        long tenths = Math.round(bytes * 10.0 / (1024.0 * 1024 * 1024));
        return tenths / 10 + "." + tenths % 10 + " GiB";
    }
}

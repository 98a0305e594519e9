package io.overlayboot.runtime;

import io.overlayboot.core.OverlaybootException;
import io.overlayboot.files.ProcMounts;
import io.overlayboot.settings.OutsideText;
import io.overlayboot.settings.Persist;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The paths persist= asked for, as the boot recorded them in {@code /run/overlayboot/state}
 * ({@code persisted=PATH}: bound at boot, {@code volatile=PATH}: could not be set up), checked
 * against the mount table: a persisted path is in force while a mount sits at it.
 *
 * @param entries each path, in the order the boot recorded them
 */
public record PersistedPaths(List<Entry> entries) {
    public PersistedPaths {
        entries = List.copyOf(entries);
    }

    /**
     * One path.
     *
     * @param path absolute
     * @param recorded {@code persisted} (bound at boot) or {@code volatile} (could not be set up)
     * @param inForce whether writes under it reach persistent storage right now
     */
    public record Entry(String path, String recorded, boolean inForce) {}

    /** From a state record read as by {@link Status} (repeated keys joined by newlines) and the mount points. */
    public static PersistedPaths of(Map<String, String> state, Set<String> mountPoints) {
        List<Entry> entries = new ArrayList<>();
        // (no stream when there is nothing: the first stream of a JVM costs status ~1 ms of set-up)
        String persisted = state.getOrDefault("persisted", "");
        if (!persisted.isEmpty()) {
            persisted.lines().filter(p -> p.startsWith("/"))
                    .forEach(p -> entries.add(new Entry(p, "persisted", mountPoints.contains(p))));
        }
        String volatiles = state.getOrDefault("volatile", "");
        if (!volatiles.isEmpty()) {
            volatiles.lines().filter(p -> !p.isEmpty()).forEach(p -> entries.add(new Entry(p, "volatile", false)));
        }
        return new PersistedPaths(entries);
    }

    /** From the state record file (none: nothing persisted) and the mount table. */
    public static PersistedPaths read(Path stateFile, Path procMounts) {
        if (!Files.isRegularFile(stateFile)) {
            return new PersistedPaths(List.of());
        }
        Map<String, String> state = new java.util.LinkedHashMap<>();
        try {
            for (String line : Files.readAllLines(stateFile, java.nio.charset.StandardCharsets.ISO_8859_1)) {
                int eq = line.indexOf('=');
                if (eq > 0 && (line.startsWith("persisted=") || line.startsWith("volatile="))) {
                    state.merge(line.substring(0, eq),
                            OutsideText.escape(line.substring(eq + 1).getBytes(java.nio.charset.StandardCharsets.ISO_8859_1)), (a, b) -> a + "\n" + b);
                }
            }
        } catch (IOException e) {
            throw OverlaybootException.environment("Cannot read the boot record " + stateFile + ": " + e.getMessage(),
                    "run as root, or name it with --state");
        }
        return of(state, mountPoints(procMounts));
    }

    /**
     * The mount points of a mount table ({@code /proc/self/mounts}), unescaped ({@code \\040} is a
     * space), then escaped for display as the state record's paths are ({@link OutsideText}).
     */
    public static Set<String> mountPoints(Path procMounts) {
        Set<String> points = new HashSet<>();
        try {
            for (String point : ProcMounts.read(procMounts).points()) {
                points.add(OutsideText.escape(point.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1)));
            }
        } catch (NoSuchFileException e) {
            throw OverlaybootException.environment("Cannot read the mount table " + procMounts + ": no such file",
                    "name it with --mounts (this machine's is /proc/self/mounts)");
        } catch (IOException e) {
            throw OverlaybootException.environment("Cannot read the mount table " + procMounts + ": " + e.getMessage(),
                    "name a regular file with --mounts");
        }
        return points;
    }

    /** The paths whose writes are kept right now. */
    public List<String> inForce() {
        return entries.stream().filter(Entry::inForce).map(Entry::path).toList();
    }

    /** True when {@code path} is, or lies under, a path in force. */
    public boolean keeps(String path) {
        return Persist.covers(inForce(), path);
    }

    /** One line per path, for people. */
    public List<String> describe() {
        List<String> lines = new ArrayList<>(entries.size());
        for (Entry e : entries) {
            lines.add(switch (e.recorded()) {
                case "persisted" -> e.inForce()
                        ? "persisted: " + e.path() + " (in force: writes under it are kept)"
                        : "persisted: " + e.path() + " (NOT in force: nothing is mounted there any more; writes are lost)";
                default -> "volatile: " + e.path() + " (asked for, but it could not be set up at boot; see the boot warnings)";
            });
        }
        return java.util.Collections.unmodifiableList(lines);
    }

    /** One object per path, for {@code --json}. */
    public List<Map<String, Object>> json() {
        return entries.stream()
                .map(e -> Map.<String, Object>of("path", e.path(), "recorded", e.recorded(), "inForce", e.inForce()))
                .toList();
    }
}

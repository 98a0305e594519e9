package io.overlayboot.maintain;

import io.overlayboot.files.ProcMounts;
import io.overlayboot.core.OverlaybootException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The mount table ({@code /proc/self/mounts}) as a list of mounts, mount points unescaped
 * ({@code \040} is a space). Read afresh for every question: a session changes it.
 *
 * @param mounts every line, in table order (the last mount at a point is the visible one)
 */
record MountTable(List<Mount> mounts) {
    /**
     * One line of the table.
     *
     * @param source what is mounted
     * @param point where, unescaped
     * @param type the filesystem type
     * @param options the mount options, split at commas
     */
    record Mount(String source, String point, String type, List<String> options) {
        boolean readOnly() {
            return options.contains("ro");
        }
    }

    MountTable {
        mounts = List.copyOf(mounts);
    }

    static MountTable read(Path file) {
        List<Mount> mounts = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.ISO_8859_1)) {
                String[] f = line.split(" ");
                if (f.length >= 4) {
                    mounts.add(new Mount(ProcMounts.unescape(f[0]), ProcMounts.unescape(f[1]), f[2], Arrays.asList(f[3].split(","))));
                }
            }
        } catch (IOException e) {
            throw OverlaybootException.environment("Cannot read the mount table " + file + ": " + e.getMessage(),
                    "run this on the machine itself, where /proc is mounted");
        }
        return new MountTable(mounts);
    }

    /** The visible (last) mount at {@code point}. */
    Optional<Mount> at(String point) {
        Mount found = null;
        for (Mount m : mounts) {
            if (m.point().equals(point)) {
                found = m;
            }
        }
        return Optional.ofNullable(found);
    }

    boolean isMountPoint(String point) {
        return at(point).isPresent();
    }
}

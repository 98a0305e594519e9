package io.overlayboot.files;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The kernel's mount table ({@code /proc/self/mounts}) as a list of mounts, the one parser every
 * reader of it uses. Source and mount point are unescaped ({@code \040} is a space). Read it afresh
 * for every question: mounting changes it.
 *
 * @param mounts every line, in table order (the last mount at a point is the visible one)
 */
public record ProcMounts(List<Mount> mounts) {
    /**
     * One line of the table.
     *
     * @param source what is mounted, unescaped
     * @param point where, unescaped
     * @param type the filesystem type
     * @param options the mount options, split at commas ({@code ro} when the mount or its
     *     filesystem is read-only)
     */
    public record Mount(String source, String point, String type, List<String> options) {
        public Mount {
            options = List.copyOf(options);
        }

        /** True when writes through this mount are refused (by the mount's flag or its filesystem's). */
        public boolean readOnly() {
            return options.contains("ro");
        }
    }

    /** A line that is not a mount-table line: fewer than four fields, or a mount point not starting with {@code /}. */
    public static final class MalformedLine extends IOException {
        private static final long serialVersionUID = 1L;
        private final int number;
        private final String line;

        MalformedLine(int number, String line) {
            super("line " + number + " is not a mount table line: '" + line + "'");
            this.number = number;
            this.line = line;
        }

        /** Its number, from 1. */
        public int number() {
            return number;
        }

        /** Its text, as read (bytes as ISO-8859-1 characters). */
        public String line() {
            return line;
        }
    }

    public ProcMounts {
        mounts = List.copyOf(mounts);
    }

    /** Reads {@code file}; blank lines are skipped, any other line that is not a mount is a {@link MalformedLine}. */
    public static ProcMounts read(Path file) throws IOException {
        return parse(Files.readAllLines(file, StandardCharsets.ISO_8859_1));
    }

    /** Parses the lines of a mount table, as {@link #read(Path)}. */
    public static ProcMounts parse(List<String> lines) throws MalformedLine {
        List<Mount> mounts = new ArrayList<>();
        int number = 0;
        for (String line : lines) {
            number++;
            if (line.isBlank()) {
                continue;
            }
            List<String> f = fields(line.strip());
            if (f.size() < 4 || !f.get(1).startsWith("/")) {
                throw new MalformedLine(number, line);
            }
            mounts.add(new Mount(unescape(f.get(0)), unescape(f.get(1)), f.get(2), Arrays.asList(f.get(3).split(","))));
        }
        return new ProcMounts(mounts);
    }

    /**
     * The fields of a line, separated by runs of spaces and tabs (what {@code split("[ \t]+")} of
     * the stripped line gives), without a regex: {@code status} reads the table on every start, and
     * {@code String.split} compiles its pattern anew for every line, in the interpreter.
     */
    static List<String> fields(String line) {
        List<String> fields = new ArrayList<>(6);
        for (java.util.StringTokenizer t = new java.util.StringTokenizer(line, " \t"); t.hasMoreTokens(); ) {
            fields.add(t.nextToken());
        }
        return fields;
    }

    /** The visible (last) mount at {@code point}. */
    public Optional<Mount> at(String point) {
        Mount found = null;
        for (Mount m : mounts) {
            if (m.point().equals(point)) {
                found = m;
            }
        }
        return Optional.ofNullable(found);
    }

    /** True when something is mounted at {@code point}. */
    public boolean isMountPoint(String point) {
        return at(point).isPresent();
    }

    /** Every mount point, unescaped, in table order without repeats. */
    public Set<String> points() {
        Set<String> points = new LinkedHashSet<>();
        mounts.forEach(m -> points.add(m.point()));
        return points;
    }

    /** Undoes the octal escapes of a mount-table field ({@code \040} for a space, {@code \134} for a backslash). */
    public static String unescape(String field) {
        return io.overlayboot.sys.MountField.unescape(field);
    }
}

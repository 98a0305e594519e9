package io.overlayboot.install;

import io.overlayboot.core.ExitCode;
import io.overlayboot.core.OverlaybootException;
import io.overlayboot.files.AtomicFiles;
import io.overlayboot.files.Digests;
import io.overlayboot.files.FileMeta;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Optional;

/**
 * One file a command will write, replace, restore or remove: what it holds now (its bytes and their
 * hash are what {@link #apply} expects to find) and what it will hold.
 *
 * @param path relative to the target root
 * @param before its bytes now, or null when absent
 * @param after its bytes afterwards, or null to remove it
 * @param newMode the mode of a file that does not exist yet
 * @param exact mode and owner to set exactly, or null to give a new file {@code newMode}
 */
record Change(String path, byte[] before, FileMeta beforeMeta, byte[] after, int newMode, FileMeta exact) {
    static Change write(Target target, String path, byte[] after, int newMode, boolean keepMode) {
        Path p = target.resolve(path);
        byte[] before = read(p);
        FileMeta meta = before == null ? null : meta(p);
        FileMeta exact = meta == null ? null : keepMode ? meta : meta.withMode(newMode);
        return new Change(path, before, meta, after, newMode, exact);
    }

    static Change restore(Target target, String path, byte[] original, FileMeta originalMeta) {
        Path p = target.resolve(path);
        byte[] before = read(p);
        return new Change(path, before, before == null ? null : meta(p), original, originalMeta.mode(), originalMeta);
    }

    static Change remove(Target target, String path) {
        Path p = target.resolve(path);
        byte[] before = read(p);
        return new Change(path, before, before == null ? null : meta(p), null, 0, null);
    }

    /** True when applying this changes nothing on disk. */
    boolean isNoop() {
        if (before == null || after == null) {
            return before == null && after == null;
        }
        return java.util.Arrays.equals(before, after) && (exact == null || exact.equals(beforeMeta));
    }

    String verb() {
        return after == null ? "remove" : before == null ? "create" : "change";
    }

    /** The SHA-256 of the bytes this change expects to find, or empty when it expects no file. */
    Optional<String> expectedSha256() {
        return Optional.ofNullable(before).map(Digests::sha256Hex);
    }

    /**
     * Makes the change, after checking the file still holds what the plan saw (someone may have
     * changed it while the question was asked); a file that moved on is refused, not overwritten.
     */
    void apply(Target target) {
        Path p = target.resolve(path);
        Optional<String> found = Optional.ofNullable(read(p)).map(Digests::sha256Hex);
        if (!found.equals(expectedSha256())) {
            throw OverlaybootException.environment("Cannot " + verb() + " " + target.show(path)
                    + ": it changed after this run read it (" + found.map(h -> "now sha256 " + h).orElse("now absent") + ")",
                    "run the command again to see what it would do now; 'overlayboot uninstall' still works");
        }
        try {
            if (after == null) {
                AtomicFiles.delete(p);
            } else if (exact != null) {
                AtomicFiles.write(p, after, exact);
            } else {
                AtomicFiles.write(p, after, FileMeta.permissionsOf(newMode));
            }
        } catch (IOException e) {
            throw new OverlaybootException(ExitCode.ENVIRONMENT, "Cannot " + verb() + " " + target.show(path) + ": "
                    + e.getMessage(), "check that the target is writable (not mounted read-only), then run the command again",
                    e);
        }
    }

    /** The unified diff of this change, with git-style mode lines. */
    String diff() {
        StringBuilder out = new StringBuilder();
        String from = before == null ? null : text(before);
        String to = after == null ? null : text(after);
        int afterMode = exact != null ? exact.mode() : newMode;
        out.append("overlayboot ").append(verb()).append(' ').append(path);
        if (before == null) {
            out.append(" (mode ").append(String.format("%04o", afterMode)).append(')');
        } else if (after != null && beforeMeta.mode() != afterMode) {
            out.append(" (mode ").append(beforeMeta.octalMode()).append(" -> ").append(String.format("%04o", afterMode)).append(')');
        } else if (after != null && exact != null && !exact.equals(beforeMeta)) {
            out.append(" (owner ").append(beforeMeta.owner()).append(':').append(beforeMeta.group()).append(" -> ")
                    .append(exact.owner()).append(':').append(exact.group()).append(')');
        }
        out.append('\n').append(UnifiedDiff.diff("a/" + path, from, "b/" + path, to));
        return out.toString();
    }

    static byte[] read(Path p) {
        try {
            if (Files.isSymbolicLink(p) || Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                throw new OverlaybootException(ExitCode.ENVIRONMENT, p + " is a " + (Files.isSymbolicLink(p) ? "symbolic link" : "directory")
                        + ", expected a regular file", "replace it with a regular file, or remove it");
            }
            return Files.exists(p) ? Files.readAllBytes(p) : null;
        } catch (IOException e) {
            throw new OverlaybootException(ExitCode.ENVIRONMENT, "Cannot read " + p + ": " + e.getMessage(), null, e);
        }
    }

    static FileMeta meta(Path p) {
        try {
            return FileMeta.read(p);
        } catch (IOException e) {
            throw new OverlaybootException(ExitCode.ENVIRONMENT, "Cannot read the mode of " + p + ": " + e.getMessage(), null, e);
        }
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}

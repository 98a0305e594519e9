package io.overlayboot.vm;

import io.overlayboot.sys.Exec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Reads an ext4 disk image after a guest used it, without mounting: a copy is repaired with
 * {@code e2fsck -fy} first (debugfs does not replay the journal), then read with {@code debugfs}.
 * The original image is left untouched, so it can still be compared byte for byte.
 */
public final class Ext4Image implements AutoCloseable {
    private final Path copy;
    private final int fsckExit;

    private Ext4Image(Path copy, int fsckExit) {
        this.copy = copy;
        this.fsckExit = fsckExit;
    }

    /** Copies and checks {@code image}; close the result to delete the copy. */
    public static Ext4Image open(Path image) {
        try {
            Path copy = Files.createTempFile(image.toAbsolutePath().getParent(), "fsck-", ".img");
            Exec.stream(List.of("cp", "--sparse=always", image.toString(), copy.toString()), Duration.ofMinutes(1), line -> {}).check();
            // 0: clean, 1: errors corrected (a journal replay counts), anything else: damage left.
            int exit = Exec.stream(List.of("e2fsck", "-fy", copy.toString()), Duration.ofMinutes(2), l -> {}).exitCode();
            return new Ext4Image(copy, exit);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Writes {@code content} to the file {@code path} of the (unmounted) ext4 {@code image} itself,
     * creating its parent directory when missing (one level, as {@code debugfs mkdir} does): how a
     * test seeds a guest disk with a file the distribution would have made (an ssh host key).
     */
    public static void seed(Path image, String path, String content) {
        try {
            Path source = Files.createTempFile(image.toAbsolutePath().getParent(), "seed-", ".txt");
            try {
                Files.writeString(source, content);
                String parent = path.substring(0, path.lastIndexOf('/'));
                if (!parent.isEmpty()) {
                    // fails harmlessly ("File exists") when the directory is there
                    Exec.stream(List.of("debugfs", "-w", "-R", "mkdir " + parent, image.toString()), Duration.ofSeconds(30), l -> {});
                }
                Exec.stream(List.of("debugfs", "-w", "-R", "write " + source + " " + path, image.toString()),
                        Duration.ofSeconds(30), l -> {}).check();
            } finally {
                Files.deleteIfExists(source);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try (Ext4Image check = open(image)) {
            if (!check.read(path).orElse("").equals(content.strip())) {
                throw new IllegalStateException("debugfs did not write " + path + " into " + image);
            }
        }
    }

    /** Exit code of {@code e2fsck -fy}: 0 clean, 1 fixed (e.g. journal replayed), 4 and up: damage left. */
    public int fsckExit() {
        return fsckExit;
    }

    /** The content of the file at {@code path}, or empty when there is no such file. */
    public Optional<String> read(String path) {
        if (!exists(path)) {
            return Optional.empty();
        }
        Exec.Result r = Exec.stream(List.of("debugfs", "-R", "cat " + path, copy.toString()), Duration.ofSeconds(30), line -> {}).check();
        // debugfs prints its banner on stderr, merged here: drop it.
        return Optional.of(String.join("\n", r.lines().stream().filter(l -> !l.startsWith("debugfs ")).toList()));
    }

    /** Whether anything (file, directory, link) exists at {@code path}. */
    public boolean exists(String path) {
        Exec.Result r = Exec.stream(List.of("debugfs", "-R", "stat " + path, copy.toString()), Duration.ofSeconds(30), l -> {});
        return r.lines().stream().anyMatch(l -> l.startsWith("Inode:"));
    }

    /** The names in directory {@code path} (without . and ..). */
    public List<String> list(String path) {
        Exec.Result r = Exec.stream(List.of("debugfs", "-R", "ls -p " + path, copy.toString()), Duration.ofSeconds(30), line -> {}).check();
        // ls -p lines: /inode/mode/uid/gid/name/size/
        return r.lines().stream()
                .filter(l -> l.startsWith("/"))
                .map(l -> l.split("/", -1))
                .filter(f -> f.length > 5)
                .map(f -> f[5])
                .filter(n -> !n.equals(".") && !n.equals(".."))
                .toList();
    }

    @Override
    public void close() {
        try {
            Files.deleteIfExists(copy);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

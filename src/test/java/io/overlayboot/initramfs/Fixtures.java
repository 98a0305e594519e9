package io.overlayboot.initramfs;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** Test helpers: run host tools (GNU cpio, compressors) and find the real Debian initrds. */
final class Fixtures {
    private static final java.util.concurrent.Executor THREADS = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor();

    private Fixtures() {}

    /**
     * Debian's python3 ({@code /usr/bin/python3}, from .ci/apt-packages) when it is there, else the
     * first on the PATH: a version manager's shim first on the PATH (pyenv's is a shell script that
     * runs several more) took seconds per start on the loaded CI machine, for each of hundreds of tries.
     */
    static String python3() {
        return java.nio.file.Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";
    }

    /** Runs {@code cmd} in {@code dir} with {@code stdin}; returns stdout; fails on a non-zero exit. */
    static byte[] run(Path dir, byte[] stdin, String... cmd) {
        try {
            Process p = new ProcessBuilder(cmd).directory(dir == null ? null : dir.toFile()).start();
            CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> readAll(p.getErrorStream()), THREADS);
            CompletableFuture<byte[]> out = CompletableFuture.supplyAsync(() -> readAll(p.getInputStream()), THREADS);
            try (OutputStream in = p.getOutputStream()) {
                if (stdin != null) {
                    in.write(stdin);
                }
            }
            int rc = p.waitFor();
            if (rc != 0) {
                throw new AssertionError(String.join(" ", cmd) + " exited " + rc + ": "
                        + new String(err.join(), StandardCharsets.UTF_8));
            }
            return out.join();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    static String runText(Path dir, byte[] stdin, String... cmd) {
        return new String(run(dir, stdin, cmd), StandardCharsets.UTF_8);
    }

    private static byte[] readAll(InputStream in) {
        try {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** GNU cpio's newc archive of everything under {@code dir}, names sorted, as {@code find . | sort}. */
    static byte[] gnuCpio(Path dir) {
        byte[] names = run(dir, null, "sh", "-c", "find . -mindepth 1 | LC_ALL=C sort");
        return run(dir, names, "cpio", "--quiet", "-o", "-H", "newc");
    }

    /** The names our reader lists, in order. */
    static List<String> names(Path initrd) throws IOException {
        List<String> out = new ArrayList<>();
        InitrdReader.read(initrd, (s, e, b) -> out.add(e.name()));
        return out;
    }

    static Path write(Path dir, String name, byte[]... parts) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            b.write(p);
        }
        Path f = dir.resolve(name);
        Files.write(f, b.toByteArray());
        return f;
    }

    /**
     * The directory of real initrds built by Debian's mkinitramfs (e2e/build-initrds.sh), built
     * now if the cache is cold. That takes minutes the first time.
     */
    static Path realInitrds() {
        Path script = projectRoot().resolve("e2e/build-initrds.sh");
        String out = runText(projectRoot(), null, script.toString()).trim();
        return Path.of(out);
    }

    static Path projectRoot() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.exists(p.resolve("pom.xml"))) {
            p = p.getParent();
        }
        return p;
    }
}

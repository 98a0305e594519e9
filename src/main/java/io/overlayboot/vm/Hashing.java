package io.overlayboot.vm;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/** Content hashes of files and trees (cache keys), and tree removal. */
final class Hashing {
    private Hashing() {}

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Adds every file under {@code root}: relative path, mode, symlink target or content. */
    static void addTree(MessageDigest sha, Path root) throws IOException {
        List<Path> all;
        try (Stream<Path> s = Files.walk(root)) {
            all = s.sorted(Comparator.comparing(Path::toString)).toList();
        }
        for (Path p : all) {
            sha.update(root.relativize(p).toString().getBytes(StandardCharsets.UTF_8));
            sha.update((byte) 0);
            sha.update(Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS).toString().getBytes(StandardCharsets.UTF_8));
            if (Files.isSymbolicLink(p)) {
                sha.update(Files.readSymbolicLink(p).toString().getBytes(StandardCharsets.UTF_8));
            } else if (Files.isRegularFile(p)) {
                sha.update(Files.readAllBytes(p));
            }
            sha.update((byte) 0);
        }
    }

    static String hex(MessageDigest sha) {
        return HexFormat.of().formatHex(sha.digest());
    }

    /** The SHA-256 of one file, read in chunks (disk images are tens of megabytes). */
    static String ofFile(Path file) throws IOException {
        MessageDigest sha = sha256();
        try (var in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 20];
            for (int n; (n = in.read(buf)) > 0; ) {
                sha.update(buf, 0, n);
            }
        }
        return hex(sha);
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}

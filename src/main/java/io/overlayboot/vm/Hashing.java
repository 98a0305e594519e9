package io.overlayboot.vm;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** Content hashes of trees, for cache keys. */
final class Hashing {
    private Hashing() {}

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
}

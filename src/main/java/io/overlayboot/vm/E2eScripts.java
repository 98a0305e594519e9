package io.overlayboot.vm;

import io.overlayboot.files.Trees;
import io.overlayboot.files.Digests;
import io.overlayboot.core.ExitCode;
import io.overlayboot.core.OverlaybootException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;

/**
 * The project's {@code e2e/} scripts, shipped inside the jar, written out once per content under
 * the cache so that both the tests and {@code overlayboot try} run the very same files.
 */
final class E2eScripts {
    static final List<String> NAMES =
            List.of("build-chroot.sh", "chroot-run.sh", "guest/overlayboot-test-init");

    private E2eScripts() {}

    /** The directory holding the scripts, written out under {@code cache/scripts/<hash>} on first use. */
    static Path extract(Path cache) {
        try {
            byte[][] contents = new byte[NAMES.size()][];
            MessageDigest sha = Digests.sha256();
            for (int i = 0; i < NAMES.size(); i++) {
                contents[i] = read(NAMES.get(i));
                sha.update(NAMES.get(i).getBytes(StandardCharsets.UTF_8));
                sha.update(contents[i]);
            }
            Path dir = cache.resolve("scripts").resolve(HexFormat.of().formatHex(sha.digest()).substring(0, 16));
            if (Files.isDirectory(dir)) {
                return dir;
            }
            Path tmp = Files.createDirectories(cache.resolve("scripts")).resolve(dir.getFileName() + ".tmp" + ProcessHandle.current().pid());
            for (int i = 0; i < NAMES.size(); i++) {
                Path file = tmp.resolve(NAMES.get(i));
                Files.createDirectories(file.getParent());
                Files.write(file, contents[i]);
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
            }
            try {
                Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException raced) {
                Trees.delete(tmp);
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] read(String name) throws IOException {
        try (InputStream in = E2eScripts.class.getResourceAsStream("/e2e/" + name)) {
            if (in == null) {
                throw new OverlaybootException(ExitCode.INTERNAL, "resource e2e/" + name + " is missing from the build", null);
            }
            return in.readAllBytes();
        }
    }
}

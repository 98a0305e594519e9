package io.overlayboot.render;

import io.overlayboot.cli.ExitCode;
import io.overlayboot.cli.OverlaybootException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Set;

/** Writes a rendered tree under a directory, each file atomically (temp file, then rename). */
public final class TreeWriter {
    private TreeWriter() {}

    public static void write(Path root, List<RenderedFile> files) {
        for (RenderedFile file : files) {
            Path target = root.resolve(file.path());
            try {
                Files.createDirectories(target.getParent());
                Path tmp = Files.createTempFile(target.getParent(), "." + target.getFileName(), ".tmp");
                try {
                    Files.write(tmp, file.content());
                    Files.setPosixFilePermissions(tmp, permissions(file.mode()));
                    Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } finally {
                    Files.deleteIfExists(tmp);
                }
            } catch (IOException e) {
                throw new OverlaybootException(ExitCode.ENVIRONMENT, "Cannot write " + target + ": " + e.getMessage(),
                        "check that the directory is writable", e);
            }
        }
    }

    static Set<PosixFilePermission> permissions(int mode) {
        StringBuilder sb = new StringBuilder();
        String letters = "rwxrwxrwx";
        for (int bit = 8; bit >= 0; bit--) {
            sb.append((mode & (1 << bit)) != 0 ? letters.charAt(8 - bit) : '-');
        }
        return PosixFilePermissions.fromString(sb.toString());
    }
}

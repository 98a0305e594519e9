package io.overlayboot.render;

import io.overlayboot.core.ExitCode;
import io.overlayboot.core.OverlaybootException;
import io.overlayboot.files.AtomicFiles;
import io.overlayboot.files.FileMeta;
import io.overlayboot.files.RootedPaths;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes a rendered tree under a directory ({@code render --out}), each file atomically and with
 * the mode the renderer gave it (a file already there keeps its owner). A link under the directory
 * that leads out of it is refused ({@link RootedPaths}), and a link as the file itself is never
 * written through.
 */
public final class TreeWriter {
    private TreeWriter() {}

    public static void write(Path root, List<RenderedFile> files) {
        for (RenderedFile file : files) {
            Path target = RootedPaths.resolve(root, file.path());
            try {
                Files.createDirectories(target.getParent());
                if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
                    AtomicFiles.write(target, file.content(), FileMeta.read(target).withMode(file.mode()));
                } else {
                    AtomicFiles.write(target, file.content(), FileMeta.permissionsOf(file.mode()));
                }
            } catch (IOException e) {
                throw new OverlaybootException(ExitCode.ENVIRONMENT, "Cannot write " + target + ": " + e.getMessage(),
                        "check that the directory is writable", e);
            }
        }
    }
}

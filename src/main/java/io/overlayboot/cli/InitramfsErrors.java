package io.overlayboot.cli;

import io.overlayboot.core.OverlaybootException;
import io.overlayboot.core.ExitCode;
import io.overlayboot.initramfs.ArchiveFormatException;
import io.overlayboot.initramfs.NotAFileException;
import io.overlayboot.initramfs.Overlay;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;

/** Turns the initramfs capability's I/O failures into one-line user errors naming the file. */
final class InitramfsErrors {
    private InitramfsErrors() {}

    static OverlaybootException of(Path file, IOException e) {
        return switch (e) {
            case NotAFileException n -> new OverlaybootException(ExitCode.BAD_INPUT, n.getMessage(), "name the initrd file itself", e);
            case ArchiveFormatException a -> new OverlaybootException(ExitCode.BAD_INPUT, file + ": " + a.getMessage(),
                    "check the file with 'overlayboot inspect " + file + "'; rebuild it with update-initramfs if it is damaged", e);
            case Overlay.MissingInput m -> new OverlaybootException(ExitCode.ENVIRONMENT, m.getMessage(), m.hint(), e);
            case NoSuchFileException n -> missing(n);
            case NotDirectoryException d -> new OverlaybootException(ExitCode.BAD_INPUT, "'" + d.getFile() + "' is not a directory",
                    "--tree takes a directory", e);
            case AccessDeniedException d -> new OverlaybootException(ExitCode.ENVIRONMENT,
                    "cannot access '" + d.getFile() + "': permission denied",
                    runningAsRoot() ? "even root is refused here (e.g. under /proc or /sys, or a read-only mount); leave it out"
                            : "run as root", e);
            case FileSystemException f when f.getFile() != null -> new OverlaybootException(ExitCode.ENVIRONMENT,
                    "'" + f.getFile() + "': " + f.getReason(), hint(f.getReason()), e);
            default -> new OverlaybootException(ExitCode.ENVIRONMENT, file + ": " + e.getMessage(), hint(e.getMessage()), e);
        };
    }

    /** A missing file, or a file whose directory is missing (then that is named). */
    private static OverlaybootException missing(NoSuchFileException n) {
        Path p = Path.of(n.getFile());
        Path dir = p.toAbsolutePath().getParent();
        if (dir != null && !Files.isDirectory(dir)) {
            return new OverlaybootException(ExitCode.BAD_INPUT, "the directory '" + (p.getParent() != null ? p.getParent() : dir)
                    + "' of '" + p + "' does not exist", "create it first, or check the path", n);
        }
        return new OverlaybootException(ExitCode.BAD_INPUT, "'" + p + "' does not exist", "check the path", n);
    }

    private static String hint(String reason) {
        return reason != null && reason.contains("No space left") ? "free space on that file system, or write elsewhere" : null;
    }

    private static boolean runningAsRoot() {
        try {
            return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid") == 0;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }
}

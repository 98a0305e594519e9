package io.overlayboot.cli;

import io.overlayboot.core.OverlaybootException;
import io.overlayboot.core.ExitCode;
import io.overlayboot.initramfs.ArchiveFormatException;
import io.overlayboot.initramfs.Overlay;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Turns the initramfs capability's I/O failures into one-line user errors naming the file. */
final class InitramfsErrors {
    private InitramfsErrors() {}

    static OverlaybootException of(Path file, IOException e) {
        return switch (e) {
            case ArchiveFormatException a -> new OverlaybootException(ExitCode.BAD_INPUT, file + ": " + a.getMessage(),
                    "check the file with 'overlayboot inspect " + file + "'; rebuild it with update-initramfs if it is damaged", e);
            case Overlay.MissingInput m -> new OverlaybootException(ExitCode.ENVIRONMENT, m.getMessage(), m.hint(), e);
            case NoSuchFileException n -> new OverlaybootException(ExitCode.BAD_INPUT, "'" + n.getFile() + "' does not exist",
                    "check the path", e);
            case AccessDeniedException d -> new OverlaybootException(ExitCode.ENVIRONMENT,
                    "cannot access '" + d.getFile() + "': permission denied", "run as root", e);
            default -> new OverlaybootException(ExitCode.ENVIRONMENT, file + ": " + e.getMessage(), null, e);
        };
    }
}

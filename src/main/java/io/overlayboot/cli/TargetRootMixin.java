package io.overlayboot.cli;

import io.overlayboot.core.OverlaybootException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * {@code --root} of the commands that read or change an installed tree, not the running kernel's
 * view of it: {@code install}, {@code uninstall}, {@code configure} and {@code check}. The tree is
 * {@code /} or a mounted image or chroot; nothing is read from its mount table.
 * ({@link RunningSystemMixin} is the other meaning of {@code --root}.)
 */
final class TargetRootMixin {
    @Option(names = "--root", paramLabel = "DIR", defaultValue = "/",
            description = "The target's root: / (this system, the default) or a mounted image or chroot tree.")
    private Path root;

    Path root() {
        return root;
    }

    /** The root, refused with a one-line error when it is not a directory. */
    Path directory() {
        if (!Files.isDirectory(root)) {
            throw OverlaybootException.badInput("--root '" + root + "' is not a directory", "point --root at the target's top directory");
        }
        return root;
    }
}

package io.overlayboot.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * {@code --root} of the commands that change what the next boots read and must outlast a reboot:
 * {@code lock-boot}, {@code unlock-boot}, {@code schedule}. It is either a running system, whose
 * lower layer is written in a maintenance session when it is protected (so {@code --mounts}
 * matters, hidden: only tests point it elsewhere), or a tree (a mounted image or chroot), written
 * directly. ({@link TargetRootMixin}: a tree only; {@link RunningSystemMixin}: a running system
 * only.)
 */
final class LowerTargetMixin {
    @Option(names = "--root", paramLabel = "DIR", defaultValue = "/",
            description = "The target: / (the running system, the default) or a mounted image or chroot tree.")
    private Path root;

    @Option(names = "--mounts", paramLabel = "FILE", defaultValue = "/proc/self/mounts", hidden = true,
            description = "The mount table to read.")
    private Path mounts;

    Path root() {
        return root;
    }

    Path mounts() {
        return mounts;
    }
}

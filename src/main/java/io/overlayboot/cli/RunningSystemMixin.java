package io.overlayboot.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * {@code --root} and {@code --mounts} of the commands that look at a running system, what is
 * mounted where right now: {@code status}, {@code commit}, {@code maintenance}, {@code upgrade}.
 * On the machine itself both keep their defaults; tests point them at a union they mounted in a
 * private mount namespace and its mount table. ({@link TargetRootMixin} is the other meaning of
 * {@code --root}: a tree to install into or check.)
 */
final class RunningSystemMixin {
    @Option(names = "--root", paramLabel = "DIR", defaultValue = "/",
            description = "The running system's / (default: /), as the kernel's mount table names it.")
    private Path root;

    @Option(names = "--mounts", paramLabel = "FILE", defaultValue = "/proc/self/mounts",
            description = "The mount table to read (default: /proc/self/mounts); with --root DIR, its lines at DIR and below"
                    + " describe that system.")
    private Path mounts;

    Path root() {
        return root;
    }

    Path mounts() {
        return mounts;
    }
}

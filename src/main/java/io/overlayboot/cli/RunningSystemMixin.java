package io.overlayboot.cli;

import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/**
 * {@code --root} and {@code --mounts} of the commands that look at a running system, what is
 * mounted where right now: {@code status}, {@code commit}, {@code maintenance}, {@code upgrade}.
 * On the machine itself both keep their defaults; tests point them at a union they mounted in a
 * private mount namespace and its mount table. ({@link TargetRootMixin} is the other meaning of
 * {@code --root}: a tree to install into or check.) Annotated commands mix it in with
 * {@code @Mixin}; {@code status}, built without annotations ({@link Specs}), with {@link #spec},
 * from the same constants.
 */
final class RunningSystemMixin {
    static final String ROOT = "--root";
    static final String ROOT_LABEL = "DIR";
    static final String ROOT_DEFAULT = "/";
    static final String ROOT_DESCRIPTION = "The running system's / (default: /), as the kernel's mount table names it.";
    static final String MOUNTS = "--mounts";
    static final String MOUNTS_LABEL = "FILE";
    static final String MOUNTS_DEFAULT = "/proc/self/mounts";
    static final String MOUNTS_DESCRIPTION = "The mount table to read (default: /proc/self/mounts); with --root DIR, its lines"
            + " at DIR and below describe that system.";

    @Option(names = ROOT, paramLabel = ROOT_LABEL, defaultValue = ROOT_DEFAULT, description = ROOT_DESCRIPTION)
    private Path root;

    @Option(names = MOUNTS, paramLabel = MOUNTS_LABEL, defaultValue = MOUNTS_DEFAULT, description = MOUNTS_DESCRIPTION)
    private Path mounts;

    Path root() {
        return root;
    }

    Path mounts() {
        return mounts;
    }

    /** Sets both options, as a parse would (StatusCommand's plain line). */
    void set(Path root, Path mounts) {
        this.root = root;
        this.mounts = mounts;
    }

    /** This mixin as picocli's {@code @Mixin} would make it, without reading the annotations. */
    static CommandSpec spec(RunningSystemMixin target) {
        CommandSpec spec = CommandSpec.wrapWithoutInspection(target);
        spec.addOption(Specs.option(ROOT, Path.class, "root").paramLabel(ROOT_LABEL).defaultValue(ROOT_DEFAULT)
                .description(ROOT_DESCRIPTION)
                .setter(new Specs.Setter<Path>(v -> target.root = v)).getter(new Specs.Getter(() -> target.root)).build());
        spec.addOption(Specs.option(MOUNTS, Path.class, "mounts").paramLabel(MOUNTS_LABEL).defaultValue(MOUNTS_DEFAULT)
                .description(MOUNTS_DESCRIPTION)
                .setter(new Specs.Setter<Path>(v -> target.mounts = v)).getter(new Specs.Getter(() -> target.mounts)).build());
        return spec;
    }
}

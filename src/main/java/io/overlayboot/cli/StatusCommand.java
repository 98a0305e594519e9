package io.overlayboot.cli;

import io.overlayboot.core.ExitCode;
import io.overlayboot.guard.NextBootCheck;
import io.overlayboot.runtime.Parameters;
import io.overlayboot.runtime.PersistedPaths;
import io.overlayboot.runtime.Status;
import io.overlayboot.runtime.StatusReport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code overlayboot status}: is this machine protected right now, and how full the upper layer is.
 *
 * <p>Its model is built with picocli's programmatic API ({@link #spec}), not from annotations:
 * {@code status} is run often (scripts, the login message), and reading annotations was most of its
 * start ({@link Specs} says why). It has the options an annotated command with
 * {@code mixinStandardHelpOptions = true}, {@code @Mixin RunningSystemMixin} and
 * {@code @Mixin JsonOption} would have; {@code ProgrammaticSpecsTest} checks so.
 */
final class StatusCommand implements PlainLine {
    static final String NAME = "status";
    static final String[] DESCRIPTION = {"Say whether / is protected now and how full the upper layer is.",
        "Reads /proc/mounts, not what was installed; also shows what the boot script did and warned about,",
        "the settings in force, and whether the next boot protects (as 'overlayboot check').",
        "A mount table with no line at --root or below is taken as the system's own.",
        "Exit 0 when protected now and at the next boot, 8 when protected now but not at the next boot,",
        "1 when not protected now."};

    private final RunningSystemMixin system = new RunningSystemMixin();

    private final JsonOption json = new JsonOption();

    /** A new {@code status} command and its model, with the mixins' keys picocli would give them. */
    static CommandSpec spec() {
        StatusCommand command = new StatusCommand();
        CommandSpec spec = CommandSpec.wrapWithoutInspection(command).name(NAME);
        spec.usageMessage().description(DESCRIPTION);
        Specs.withStandardHelpOptions(spec);
        spec.addMixin("system", RunningSystemMixin.spec(command.system));
        spec.addMixin("json", JsonOption.spec(command.json));
        return spec;
    }

    @Override
    public boolean json() {
        return json.enabled();
    }

    RunningSystemMixin system() {
        return system;
    }

    /**
     * The command a plain {@code status} line asks for, or null for any other line: {@code status}
     * then {@code --json}, {@code --root DIR}, {@code --mounts FILE} (or {@code --root=DIR},
     * {@code --mounts=FILE}), each at most once, in any order; names, defaults and types as the
     * model ({@link #spec}) has them. Anything else (help, a misspelt or repeated option, a value
     * starting with '-' or '@', an empty one, an argument file) is left to picocli, which says what
     * is wrong as for every command.
     */
    static StatusCommand ofPlainLine(String... args) {
        if (args.length == 0 || !args[0].equals(NAME)) {
            return null;
        }
        String root = null;
        String mounts = null;
        boolean json = false;
        for (int i = 1; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals(JsonOption.NAME) && !json) {
                json = true;
                continue;
            }
            String name = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
            String value = arg.contains("=") ? arg.substring(arg.indexOf('=') + 1) : i + 1 < args.length ? args[++i] : null;
            if (value == null || value.isEmpty() || value.startsWith("-") || value.startsWith("@")) {
                return null;
            }
            if (name.equals(RunningSystemMixin.ROOT) && root == null) {
                root = value;
            } else if (name.equals(RunningSystemMixin.MOUNTS) && mounts == null) {
                mounts = value;
            } else {
                return null;
            }
        }
        StatusCommand command = new StatusCommand();
        try {
            command.system.set(Path.of(root == null ? RunningSystemMixin.ROOT_DEFAULT : root),
                    Path.of(mounts == null ? RunningSystemMixin.MOUNTS_DEFAULT : mounts));
        } catch (java.nio.file.InvalidPathException e) {
            return null; // picocli says what is wrong with it
        }
        command.json.set(json);
        return command;
    }

    @Override
    public Rendered run(Output out) throws IOException {
        Path root = system.root();
        Status status = Status.read(root, system.mounts());
        StatusReport report = new StatusReport(status, Parameters.inForce(status.state(), text(root, "proc/cmdline"),
                text(root, "etc/overlayboot.conf")), NextBootCheck.ofRunningSystem(root).check(),
                PersistedPaths.of(status.state(), persistedPoints(status)));
        ExitCode code = !status.protectedNow() ? ExitCode.NOT_PROTECTED
                : report.unprotectedNextBoot() ? ExitCode.NEXT_BOOT_UNPROTECTED : ExitCode.OK;
        return Rendered.lines(report.lines(), report::json).exit(code);
    }

    /**
     * The mount points the persisted paths are checked against: the mount table again (its points
     * as {@link PersistedPaths} shows them), read only when the boot record names a persisted path;
     * Status has read the table already, so a table that cannot be read was reported there.
     */
    private java.util.Set<String> persistedPoints(Status status) {
        return status.state().containsKey("persisted") ? PersistedPaths.mountPoints(system.mounts()) : java.util.Set.of();
    }

    /** The text of a small file of the system, empty when it cannot be read. */
    private static String text(Path root, String path) {
        try {
            return Files.readString(root.resolve(path), java.nio.charset.StandardCharsets.ISO_8859_1);
        } catch (IOException | java.io.UncheckedIOException e) {
            return "";
        }
    }
}

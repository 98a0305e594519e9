package io.overlayboot.cli;

import io.overlayboot.core.Json;
import io.overlayboot.core.OverlaybootException;
import io.overlayboot.runtime.PersistedPaths;
import io.overlayboot.runtime.UpperDiff;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code overlayboot diff}: what changed since boot, i.e. what a reboot will throw away. */
@Command(name = "diff", mixinStandardHelpOptions = true,
        description = {
            "List what changed since boot: what a reboot will throw away.",
            "Every file added (A), changed (M) or deleted (D) in the upper layer; each persisted path in force",
            "(persist=, docs/persist.md) as K: what is written under it is kept."
        })
final class DiffCommand implements Subcommand {
    @Option(names = "--upper", paramLabel = "DIR", defaultValue = "/rw/upper", description = "The upper layer (default: /rw/upper).")
    private Path upper;

    @Option(names = "--lower", paramLabel = "DIR", defaultValue = "/ro", description = "The lower layer (default: /ro).")
    private Path lower;

    @Option(names = "--unpersisted", description = "Only what a reboot throws away: leave out the kept (persisted) paths.")
    private boolean unpersisted;

    @Option(names = "--state", paramLabel = "FILE", defaultValue = "/run/overlayboot/state",
            description = "The boot's record, which names the persisted paths (default: /run/overlayboot/state).")
    private Path state;

    @Option(names = "--mounts", paramLabel = "FILE", defaultValue = "/proc/self/mounts",
            description = "The mount table, which says whether each persisted path is in force (default: /proc/self/mounts).")
    private Path mounts;

    @Mixin
    private JsonOption json;

    @Override
    public Rendered run(Output out) throws IOException {
        if (!Files.isDirectory(upper)) {
            throw OverlaybootException.environment("No upper layer at " + upper + ": the root is not protected by overlayboot",
                    "check with 'overlayboot status', or name it with --upper");
        }
        UpperDiff.Diff diff = UpperDiff.between(upper, lower);
        PersistedPaths persisted = PersistedPaths.read(state, mounts);
        // what lies in the upper under a persisted path is hidden by its bind mount: not what the system sees
        List<UpperDiff.Change> changes = diff.changes().stream().filter(c -> !persisted.keeps(c.path())).toList();
        List<String> kept = unpersisted ? List.of() : persisted.inForce();
        diff.unreadable().forEach(dir -> out.warn("cannot read " + dir + ": the changes under it are not listed"
                + " (hint: run as root)"));
        List<String> lines = new ArrayList<>();
        changes.forEach(c -> lines.add(switch (c.kind()) {
            case ADDED -> "A ";
            case CHANGED -> "M ";
            case DELETED -> "D ";
        } + c.path()));
        kept.forEach(p -> lines.add("K " + p));
        return Rendered.lines(lines, () -> {
            List<Object> rows = new ArrayList<>(changes.stream()
                    .map(c -> Json.object("change", c.kind().name().toLowerCase(Locale.ROOT), "path", c.path()))
                    .toList());
            kept.forEach(p -> rows.add(Json.object("change", "kept", "path", p)));
            return rows;
        });
    }
}

package io.overlayboot.cli;

import io.overlayboot.core.ExitCode;
import io.overlayboot.core.Json;
import io.overlayboot.core.OverlaybootException;
import io.overlayboot.initramfs.Pack;
import io.overlayboot.initramfs.PackEntry;
import io.overlayboot.render.Renderer;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code overlayboot pack}: write the initramfs overlay, or append it to an existing initrd. */
@Command(name = "pack", mixinStandardHelpOptions = true,
        description = {
            "Write the initramfs overlay, or append it to an existing initrd.",
            "The overlay (newc cpio) holds the boot script, the config and the helper, laid out for initramfs-tools, so an"
                    + " existing initrd boots with overlayboot without running mkinitramfs. With --initrd or --append-to it"
                    + " also writes a merged scripts/init-bottom/ORDER that runs overlayboot last and adds the overlay module"
                    + " (with fresh module indexes) when the initrd lacks it. Output is reproducible: sorted entries,"
                    + " uid/gid 0, mtime SOURCE_DATE_EPOCH or 0. With --tree it packs a directory tree instead."
        })
final class PackCommand implements Subcommand {
    static final class Target {
        @Option(names = "--out", paramLabel = "FILE", description = "Write the overlay (or the --tree archive) to FILE.")
        Path out;

        @Option(names = "--append-to", paramLabel = "INITRD",
                description = "Append the overlay to INITRD in place, atomically; replaces an overlay appended earlier.")
        Path appendTo;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    private Target target;

    @Option(names = "--initrd", paramLabel = "EXISTING", description = "The initrd the overlay will follow (with --out).")
    private Path initrd;

    @Option(names = "--backup", description = "With --append-to: keep the original as INITRD.bak (kept across re-runs).")
    private boolean backup;

    @Option(names = "--from", paramLabel = "DIR",
            description = "Take the boot script and config from DIR (the output of 'overlayboot render --out DIR') instead of rendering them.")
    private Path from;

    // Not TargetRootMixin: nothing is installed into this tree, it is where the overlay's parts come from.
    @Option(names = "--root", paramLabel = "DIR", defaultValue = "/",
            description = "The system the overlay is for: its overlay module (lib/modules/VERSION) and helper are taken from"
                    + " this tree. Default: /.")
    private Path root;

    @Option(names = "--tree", paramLabel = "DIR", description = "Pack this directory tree (as the archive's root) instead of the overlay.")
    private Path tree;

    @Option(names = "--compress", paramLabel = "FORMAT", defaultValue = "zstd",
            description = "zstd, gzip, xz, lz4 (legacy frame) or none. Default: zstd.")
    private String compress;

    @Option(names = "--level", paramLabel = "N", description = "Compression level. Default: zstd 3, gzip 9, xz 6, lz4 9.")
    private Integer level;

    @Mixin
    private BootOptionsMixin boot;

    @Mixin
    private JsonOption json;

    @Override
    public Rendered run(Output output) {
        Pack.Request request = Pack.Request.of(target.out, target.appendTo, initrd, backup, from, root, tree, compress, level,
                System.getenv("SOURCE_DATE_EPOCH"));
        if (from != null && !boot.chosen().isEmpty()) {
            throw new OverlaybootException(ExitCode.USAGE, "boot options go to 'overlayboot render', not to 'pack --from'",
                    "drop them or drop --from");
        }
        try {
            if (tree != null) {
                Pack.Packed p = Pack.tree(request);
                return Rendered.of(out -> out.println(String.format("Packed %d entries (%d bytes of cpio) into %s (%d bytes, %s)",
                        p.entries(), p.cpioBytes(), p.out(), p.bytes(), p.compression().label())),
                        () -> Json.object("out", p.out().toString(), "entries", p.entries(), "cpioBytes", p.cpioBytes(),
                                "bytes", p.bytes(), "compression", p.compression().label()));
            }
            Pack.Written w = Pack.overlay(request, () -> new Renderer().render(boot.request()));
            w.notes().forEach(n -> output.err().println("overlayboot: " + n));
            return Rendered.of(out -> {
                w.entries().forEach(e -> out.println(String.format("%06o %s", e.mode(), e.name())));
                out.println(String.format("%s %s: %d entries, %d bytes%s%s", w.appended() ? "Appended to" : "Wrote", w.file(),
                        w.entries().size(), w.overlayBytes(), w.replaced() ? ", replacing the overlay appended earlier" : "",
                        w.backup() != null ? "; original kept as " + w.backup() : ""));
            }, () -> Json.object("file", w.file().toString(), "entries", w.entries().stream().map(PackEntry::name).toList(),
                    "overlayBytes", w.overlayBytes(), "replacedEarlierOverlay", w.replaced(),
                    "backup", w.backup() == null ? null : w.backup().toString()));
        } catch (IOException e) {
            throw InitramfsErrors.of(request.subject(), e);
        }
    }
}

package io.overlayboot.cli;

import io.overlayboot.core.Json;
import io.overlayboot.core.OverlaybootException;
import io.overlayboot.core.ExitCode;
import io.overlayboot.files.Trees;
import io.overlayboot.initramfs.Appender;
import io.overlayboot.initramfs.Compression;
import io.overlayboot.initramfs.DirectoryTree;
import io.overlayboot.initramfs.InitrdFacts;
import io.overlayboot.initramfs.Overlay;
import io.overlayboot.initramfs.PackEntry;
import io.overlayboot.initramfs.Packer;
import io.overlayboot.render.RenderedFile;
import io.overlayboot.render.Renderer;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

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
final class PackCommand implements Callable<Integer> {
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

    @Option(names = "--root", paramLabel = "DIR", defaultValue = "/",
            description = "Take the overlay module (lib/modules/VERSION) and the helper from this tree. Default: /.")
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

    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() {
        Compression c = compression();
        int lvl = level();
        long mtime = mtime();
        Output output = new Output(spec.commandLine().getOut(), spec.commandLine().getErr());
        if (tree != null) {
            if (target.appendTo != null || initrd != null || from != null) {
                throw usage("--tree packs a directory on its own", "drop --append-to, --initrd and --from");
            }
            return packTree(c, lvl, mtime, output);
        }
        Path base = target.appendTo != null ? target.appendTo : initrd;
        if (target.appendTo != null && initrd != null && !initrd.equals(target.appendTo)) {
            throw usage("--initrd and --append-to name different files", "--append-to reads the initrd it appends to");
        }
        if (backup && target.appendTo == null) {
            throw usage("--backup only goes with --append-to", "drop --backup");
        }
        Path work = null;
        try {
            InitrdFacts facts = base == null ? null : InitrdFacts.scan(base);
            if (facts != null) {
                Compression required = Appender.requiredCompression(facts);
                if (required != null && required != c) {
                    throw new OverlaybootException(ExitCode.BAD_INPUT, base + " ends with an lz4 segment; the kernel reads"
                            + " lz4 to the end of the file, so only an lz4 overlay can follow it", "add --compress lz4");
                }
            }
            work = Files.createTempDirectory("overlayboot-pack");
            Overlay overlay = Overlay.build(rendered(), base, facts, root, work);
            overlay.notes().forEach(n -> output.err().println("overlayboot: " + n));
            if (target.appendTo != null) {
                Appender.Result r = Appender.append(target.appendTo, facts, overlay.entries(), c, lvl, mtime, backup);
                report(output, target.appendTo, overlay.entries(), r.overlayLength(), r.replaced(), r.backup());
            } else {
                long length;
                try (OutputStream out = Files.newOutputStream(target.out)) {
                    Packer.write(overlay.entries(), c, lvl, mtime, out);
                }
                length = Files.size(target.out);
                report(output, target.out, overlay.entries(), length, false, null);
            }
        } catch (IOException e) {
            throw InitramfsErrors.of(base != null ? base : target.out, e);
        } finally {
            deleteTree(work);
        }
        return ExitCode.OK.code();
    }

    private int packTree(Compression c, int lvl, long mtime, Output output) {
        try {
            List<PackEntry> entries = DirectoryTree.entries(tree);
            long cpio;
            try (OutputStream out = Files.newOutputStream(target.out)) {
                cpio = Packer.write(entries, c, lvl, mtime, out);
            }
            if (json.enabled()) {
                output.json(Json.object("out", target.out.toString(), "entries", entries.size(), "cpioBytes", cpio,
                        "bytes", Files.size(target.out), "compression", c.label()));
            } else {
                output.line(String.format("Packed %d entries (%d bytes of cpio) into %s (%d bytes, %s)", entries.size(), cpio,
                        target.out, Files.size(target.out), c.label()));
            }
        } catch (IOException e) {
            throw InitramfsErrors.of(tree, e);
        }
        return ExitCode.OK.code();
    }

    private void report(Output output, Path file, List<PackEntry> entries, long overlayBytes, boolean replaced, Path bak) {
        if (json.enabled()) {
            output.json(Json.object("file", file.toString(), "entries", entries.stream().map(PackEntry::name).toList(),
                    "overlayBytes", overlayBytes, "replacedEarlierOverlay", replaced, "backup", bak == null ? null : bak.toString()));
            return;
        }
        entries.forEach(e -> output.line(String.format("%06o %s", e.mode(), e.name())));
        output.line(String.format("%s %s: %d entries, %d bytes%s%s", target.appendTo != null ? "Appended to" : "Wrote", file,
                entries.size(), overlayBytes, replaced ? ", replacing the overlay appended earlier" : "",
                bak != null ? "; original kept as " + bak : ""));
    }

    private List<RenderedFile> rendered() throws IOException {
        if (from == null) {
            return new Renderer().render(boot.request());
        }
        if (!boot.chosen().isEmpty()) {
            throw usage("boot options go to 'overlayboot render', not to 'pack --from'", "drop them or drop --from");
        }
        List<RenderedFile> files = new ArrayList<>();
        for (String p : List.of("etc/initramfs-tools/scripts/init-bottom/overlayboot", Renderer.LIBRARY, "etc/overlayboot.conf")) {
            Path f = from.resolve(p);
            if (!Files.isRegularFile(f)) {
                throw new OverlaybootException(ExitCode.BAD_INPUT, "'" + f + "' is missing",
                        "--from takes the output of 'overlayboot render --out DIR'");
            }
            files.add(new RenderedFile(p, Files.readAllBytes(f), p.endsWith("overlayboot") ? 0755 : 0644));
        }
        return files;
    }

    private Compression compression() {
        try {
            return Compression.parse(compress);
        } catch (IllegalArgumentException e) {
            throw usage("--compress " + e.getMessage(), "use zstd, gzip, xz, lz4 or none");
        }
    }

    private int level() {
        Compression c = compression();
        int lvl = level == null ? c.defaultLevel() : level;
        int[] range = switch (c) {
            case ZSTD -> new int[] {1, 19};
            case GZIP -> new int[] {1, 9};
            case XZ -> new int[] {0, 9};
            case LZ4 -> new int[] {1, 12};
            default -> new int[] {0, 0};
        };
        if (level != null && c != Compression.NONE && (lvl < range[0] || lvl > range[1])) {
            throw usage("--level " + lvl + " is out of range for " + c.label(), "use " + range[0] + " to " + range[1]);
        }
        return lvl;
    }

    private static long mtime() {
        try {
            return Packer.reproducibleMtime(System.getenv("SOURCE_DATE_EPOCH"));
        } catch (IllegalArgumentException e) {
            throw new OverlaybootException(ExitCode.BAD_INPUT, e.getMessage(), "unset it or give seconds since 1970");
        }
    }

    private static OverlaybootException usage(String message, String hint) {
        return new OverlaybootException(ExitCode.USAGE, message, hint);
    }

    private static void deleteTree(Path dir) {
        if (dir == null) {
            return;
        }
        try {
            Trees.delete(dir);
        } catch (IOException ignored) {
            // a temp directory left behind is harmless
        }
    }
}

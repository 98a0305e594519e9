package io.overlayboot.initramfs;

import io.overlayboot.core.ExitCode;
import io.overlayboot.core.OverlaybootException;
import io.overlayboot.files.Trees;
import io.overlayboot.render.RenderedFile;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * What {@code overlayboot pack} does, behind a thin command: the overlay (the boot script, library,
 * config, helper, ORDER and overlay module) written to a file or appended to an initrd, or a
 * directory tree packed as it is. {@link Request} checks the combination of options where they
 * enter; {@link #overlay} and {@link #tree} do the work and return what they wrote.
 */
public final class Pack {
    private Pack() {}

    /**
     * A checked {@code pack} request: exactly one of {@code out} and {@code appendTo}; {@code tree}
     * alone or the overlay's options; a compression the kernel can read after {@code initrd}.
     *
     * @param out write the overlay (or the tree's archive) to this file, or null
     * @param appendTo append the overlay to this initrd in place, or null
     * @param initrd the initrd the overlay will follow (with {@code out}), or null
     * @param backup keep the original of {@code appendTo} as {@code INITRD.bak}
     * @param from take the rendered files from this {@code overlayboot render} output, or null to render them
     * @param root where the overlay module and the helper are taken from
     * @param tree pack this directory instead of the overlay, or null
     * @param compression the format to write
     * @param level the compression level, within {@code compression}'s range
     * @param mtime every entry's mtime ({@link Packer#reproducibleMtime})
     */
    public record Request(Path out, Path appendTo, Path initrd, boolean backup, Path from, Path root, Path tree,
            Compression compression, int level, long mtime) {
        public Request {
            if ((out == null) == (appendTo == null)) {
                throw usage("say where the result goes: exactly one of --out FILE and --append-to INITRD", "add --out FILE");
            }
            if (tree != null && (appendTo != null || initrd != null || from != null)) {
                throw usage("--tree packs a directory on its own", "drop --append-to, --initrd and --from");
            }
            if (appendTo != null && initrd != null && !initrd.equals(appendTo)) {
                throw usage("--initrd and --append-to name different files", "--append-to reads the initrd it appends to");
            }
            if (backup && appendTo == null) {
                throw usage("--backup only goes with --append-to", "drop --backup");
            }
        }

        /**
         * A request from the command line's words: {@code compress} as {@code --compress} takes it,
         * {@code level} null for the format's default, {@code sourceDateEpoch} the environment's
         * {@code SOURCE_DATE_EPOCH} (or null).
         */
        public static Request of(Path out, Path appendTo, Path initrd, boolean backup, Path from, Path root, Path tree,
                String compress, Integer level, String sourceDateEpoch) {
            Compression c = Pack.compression(compress);
            return new Request(out, appendTo, initrd, backup, from, root, tree, c, Pack.level(c, level), Pack.mtime(sourceDateEpoch));
        }

        /** The initrd the overlay follows: the one appended to, or {@code --initrd}; null for neither. */
        public Path base() {
            return appendTo != null ? appendTo : initrd;
        }

        /** The file a failure is about: the tree, the initrd read, or the file written. */
        public Path subject() {
            return tree != null ? tree : base() != null ? base() : out;
        }
    }

    /**
     * The overlay written ({@code appended} false: to a new file) or appended.
     *
     * @param replaced an overlay appended earlier was replaced
     * @param backup where the original initrd was kept, or null
     * @param notes one line per decision worth telling (module added, ORDER merged)
     */
    public record Written(Path file, boolean appended, List<PackEntry> entries, long overlayBytes, boolean replaced,
            Path backup, List<String> notes) {
        public Written {
            entries = List.copyOf(entries);
            notes = List.copyOf(notes);
        }
    }

    /** A directory tree packed into {@code out}: its entries, the cpio's size before and the file's after compression. */
    public record Packed(Path out, int entries, long cpioBytes, long bytes, Compression compression) {}

    /**
     * Writes or appends the overlay of {@code request} (not a {@code --tree} one). {@code render}
     * renders the files when {@code request.from()} is null; {@code boot options chosen} with
     * {@code --from} are refused by the caller, who knows which were given.
     */
    public static Written overlay(Request request, Supplier<List<RenderedFile>> render) throws IOException {
        if (request.tree() != null) {
            throw new IllegalArgumentException("a --tree request packs no overlay");
        }
        Path base = request.base();
        InitrdFacts facts = base == null ? null : InitrdFacts.scan(base);
        if (facts != null) {
            Compression required = Appender.requiredCompression(facts);
            if (required != null && required != request.compression()) {
                throw new OverlaybootException(ExitCode.BAD_INPUT, base + " ends with an lz4 segment; the kernel reads"
                        + " lz4 to the end of the file, so only an lz4 overlay can follow it", "add --compress lz4");
            }
        }
        List<RenderedFile> rendered = request.from() == null ? render.get() : rendered(request.from());
        Path work = Files.createTempDirectory("overlayboot-pack");
        try {
            Overlay overlay = Overlay.build(rendered, base, facts, request.root(), work);
            if (request.appendTo() != null) {
                Appender.Result r = Appender.append(request.appendTo(), facts, overlay.entries(), request.compression(),
                        request.level(), request.mtime(), request.backup());
                return new Written(request.appendTo(), true, overlay.entries(), r.overlayLength(), r.replaced(), r.backup(),
                        overlay.notes());
            }
            try (OutputStream out = Files.newOutputStream(request.out())) {
                Packer.write(overlay.entries(), request.compression(), request.level(), request.mtime(), out);
            }
            return new Written(request.out(), false, overlay.entries(), Files.size(request.out()), false, null, overlay.notes());
        } finally {
            deleteTree(work);
        }
    }

    /** Packs {@code request.tree()} into {@code request.out()}. */
    public static Packed tree(Request request) throws IOException {
        List<PackEntry> entries = DirectoryTree.entries(request.tree());
        long cpio;
        try (OutputStream out = Files.newOutputStream(request.out())) {
            cpio = Packer.write(entries, request.compression(), request.level(), request.mtime(), out);
        }
        return new Packed(request.out(), entries.size(), cpio, Files.size(request.out()), request.compression());
    }

    /** The files the overlay needs, read from the output of {@code overlayboot render --out DIR}. */
    static List<RenderedFile> rendered(Path from) throws IOException {
        List<RenderedFile> files = new ArrayList<>();
        for (String p : Overlay.RENDERED) {
            Path f = from.resolve(p);
            if (!Files.isRegularFile(f)) {
                throw OverlaybootException.badInput("'" + f + "' is missing", "--from takes the output of 'overlayboot render --out DIR'");
            }
            files.add(new RenderedFile(p, Files.readAllBytes(f), p.equals(Overlay.SCRIPT_SOURCE) ? 0755 : 0644));
        }
        return files;
    }

    static Compression compression(String compress) {
        try {
            return Compression.parse(compress);
        } catch (IllegalArgumentException e) {
            throw usage("--compress " + e.getMessage(), "use zstd, gzip, xz, lz4 or none");
        }
    }

    /** {@code level}, or the format's default when null; refused outside the format's range. */
    static int level(Compression c, Integer level) {
        if (level == null) {
            return c.defaultLevel();
        }
        if (!c.acceptsLevel(level)) {
            throw usage("--level " + level + " is out of range for " + c.label(), "use " + c.minLevel() + " to " + c.maxLevel());
        }
        return level;
    }

    static long mtime(String sourceDateEpoch) {
        try {
            return Packer.reproducibleMtime(sourceDateEpoch);
        } catch (IllegalArgumentException e) {
            throw new OverlaybootException(ExitCode.BAD_INPUT, e.getMessage(), "unset it or give seconds since 1970");
        }
    }

    private static OverlaybootException usage(String message, String hint) {
        return new OverlaybootException(ExitCode.USAGE, message, hint);
    }

    private static void deleteTree(Path dir) {
        try {
            Trees.delete(dir);
        } catch (IOException ignored) {
            // a temp directory left behind is harmless
        }
    }
}

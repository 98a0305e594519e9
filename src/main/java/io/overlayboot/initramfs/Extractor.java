package io.overlayboot.initramfs;

import io.overlayboot.sys.Exec;
import io.overlayboot.sys.ExecException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Unpacks every segment of an initrd into a directory, later entries replacing earlier ones as
 * the kernel does. Nothing of the result leads outside the directory: absolute names, {@code ..},
 * writing through any link, and links that resolve (following the links already there) outside
 * it, or that would make an earlier link do so, are refused with the entry's offset before the
 * disk is touched. Absolute link targets are written relative to the link's directory
 * ({@code etc/mtab -> /proc/mounts} becomes {@code ../proc/mounts}). Device nodes and fifos are
 * skipped with a warning unless asked for. Permission bits are kept (setuid, setgid and sticky
 * bits are dropped), owners are not.
 */
public final class Extractor implements InitrdReader.Visitor {
    private final TargetTree tree;
    private final boolean devices;
    private final PrintWriter warnings;
    private final Map<String, Path> hardLinks = new HashMap<>();
    private final List<Map.Entry<Path, Long>> dirTimes = new ArrayList<>();
    private long written;
    private long skipped;

    public Extractor(Path root, boolean devices, PrintWriter warnings) throws IOException {
        Files.createDirectories(root);
        this.tree = new TargetTree(root.toRealPath());
        this.devices = devices;
        this.warnings = warnings;
    }

    /** Unpacks {@code initrd} into the directory. */
    public static List<Segment> extract(Path initrd, Path dir, boolean devices, PrintWriter warnings) throws IOException {
        Extractor x = new Extractor(dir, devices, warnings);
        List<Segment> segments = InitrdReader.read(initrd, x);
        x.finish();
        return segments;
    }

    public long written() {
        return written;
    }

    public long skipped() {
        return skipped;
    }

    /** Every byte is written to a file: decoding the next ones meanwhile, on a second core, pays. */
    @Override
    public boolean decodeAhead() {
        return true;
    }

    @Override
    public void entry(Segment segment, CpioEntry e, InitrdReader.Body body) throws IOException {
        String where = segment.format().equals("none") ? "file" : segment.format() + " data of the segment at offset " + segment.offset();
        List<String> parts = SafeName.components(e, where);
        if (parts.isEmpty()) {
            return; // the root directory itself
        }
        TargetTree.Node parent = parentChecked(parts, e, where);
        TargetTree.Node node = tree.child(parent, parts.get(parts.size() - 1));
        if (e.isDirectory()) {
            if (tree.kind(node) != TargetTree.Kind.DIRECTORY) {
                replace(node, TargetTree.Kind.DIRECTORY, null, e, where);
                Files.createDirectory(tree.path(node));
            }
            Path target = tree.path(node);
            setPermissions(target, e.mode());
            dirTimes.add(Map.entry(target, e.mtime()));
        } else if (e.isRegular()) {
            writeFile(node, e, body, where);
        } else if (e.isSymlink()) {
            String target = SafeName.relativeLinkTarget(e.linkTarget(), node.depth);
            replace(node, TargetTree.Kind.LINK, target, e, where);
            Path p = tree.path(node);
            Files.createSymbolicLink(p, Path.of(target));
            setTime(p, e.mtime());
        } else if (devices && (e.isDevice() || (e.mode() & CpioEntry.S_IFMT) == CpioEntry.S_IFIFO)) {
            replace(node, TargetTree.Kind.OTHER, null, e, where);
            mknod(tree.path(node), e);
        } else {
            skipped++;
            warnings.println(String.format(
                    "overlayboot: skipped %s '%s' (entry at %s offset %d); use --devices to create device nodes and fifos",
                    e.isDevice() ? "device node" : "special file", SafeName.printable(e.name()), where, e.offset()));
            return;
        }
        written++;
    }

    /** Creates missing parents; refuses to go through a link or a non-directory. */
    private TargetTree.Node parentChecked(List<String> parts, CpioEntry e, String where) throws IOException {
        TargetTree.Node p = tree.root;
        for (int i = 0; i < parts.size() - 1; i++) {
            p = tree.child(p, parts.get(i));
            switch (tree.kind(p)) {
                case DIRECTORY -> { }
                case LINK -> throw new ArchiveFormatException(String.format(
                        "refusing '%s': it would be written through the link '%s' (entry at %s offset %d)",
                        SafeName.printable(e.name()), SafeName.printable(tree.name(p)), where, e.offset()));
                case MISSING -> {
                    replace(p, TargetTree.Kind.DIRECTORY, null, e, where);
                    Files.createDirectory(tree.path(p));
                }
                default -> throw new ArchiveFormatException(String.format(
                        "refusing '%s': its parent '%s' is not a directory (entry at %s offset %d)",
                        SafeName.printable(e.name()), SafeName.printable(tree.name(p)), where, e.offset()));
            }
        }
        return p;
    }

    private void writeFile(TargetTree.Node node, CpioEntry e, InitrdReader.Body body, String where) throws IOException {
        String key = e.devMajor() + ":" + e.devMinor() + ":" + e.ino();
        Path first = e.nlink() > 1 ? hardLinks.get(key) : null;
        replace(node, TargetTree.Kind.OTHER, null, e, where);
        Path target = tree.path(node);
        if (first != null && Files.isRegularFile(first, LinkOption.NOFOLLOW_LINKS)) {
            Files.createLink(target, first);
            if (e.size() > 0) {
                try (OutputStream out = Files.newOutputStream(target, StandardOpenOption.WRITE,
                        StandardOpenOption.TRUNCATE_EXISTING, LinkOption.NOFOLLOW_LINKS)) {
                    copy(body, out, target);
                }
            }
        } else {
            try (OutputStream out = Files.newOutputStream(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                    LinkOption.NOFOLLOW_LINKS)) {
                copy(body, out, target);
            }
            if (e.nlink() > 1) {
                hardLinks.put(key, target);
            }
        }
        setPermissions(target, e.mode());
        setTime(target, e.mtime());
    }

    /** Copies an entry's data; a failing write names the file written (a failing read is the archive's). */
    private static void copy(InitrdReader.Body body, OutputStream out, Path target) throws IOException {
        try {
            body.copyTo(out);
        } catch (InitrdReader.ReadFailure r) {
            throw r;
        } catch (FileSystemException f) {
            throw f;
        } catch (IOException w) {
            throw new FileSystemException(target.toString(), null, w.getMessage());
        }
    }

    /**
     * Makes {@code node} a {@code kind} (a link to {@code linkTarget}) in the tree after checking that no
     * link then leads outside: neither a new link nor an earlier one whose resolution passed here.
     * Then removes what is on disk there, so the caller can create the new thing.
     */
    private void replace(TargetTree.Node node, TargetTree.Kind kind, String linkTarget, CpioEntry e, String where)
            throws IOException {
        TargetTree.Kind oldKind = tree.kind(node);
        String oldLink = node.link;
        var oldChildren = node.children;
        boolean oldKnown = node.childrenKnown;
        String oldEntryName = node.entryName;
        String oldEntryTarget = node.entryTarget;
        tree.set(node, kind, linkTarget);
        node.entryName = kind == TargetTree.Kind.LINK ? e.name() : null;
        node.entryTarget = kind == TargetTree.Kind.LINK ? e.linkTarget() : null;
        List<TargetTree.Node> dependents = tree.takeDependents(node);
        try {
            if (kind == TargetTree.Kind.LINK && tree.resolve(node) == TargetTree.Outcome.OUTSIDE) {
                throw new ArchiveFormatException(String.format(
                        "refusing link '%s' -> '%s': it leads outside the directory (entry at %s offset %d)",
                        SafeName.printable(e.name()), SafeName.printable(e.linkTarget()), where, e.offset()));
            }
            for (TargetTree.Node d : dependents) {
                if (tree.resolve(d) == TargetTree.Outcome.OUTSIDE) {
                    throw new ArchiveFormatException(String.format(
                            "refusing '%s'%s: the earlier link '%s' -> '%s' would then lead outside the directory (entry at %s offset %d)",
                            SafeName.printable(e.name()),
                            e.isSymlink() ? " -> '" + SafeName.printable(e.linkTarget()) + "'" : "",
                            SafeName.printable(d.entryName != null ? d.entryName : tree.name(d)),
                            SafeName.printable(d.entryTarget != null ? d.entryTarget : d.link), where, e.offset()));
                }
            }
            if (oldKind != TargetTree.Kind.MISSING) {
                Files.delete(tree.path(node));
            }
        } catch (IOException | RuntimeException x) {
            node.kind = oldKind;
            node.link = oldLink;
            node.children = oldChildren;
            node.childrenKnown = oldKnown;
            node.entryName = oldEntryName;
            node.entryTarget = oldEntryTarget;
            tree.restoreDependents(node, dependents);
            if (x instanceof DirectoryNotEmptyException) {
                throw new ArchiveFormatException(String.format(
                        "refusing '%s': a non-empty directory of that name came earlier (entry at %s offset %d)",
                        SafeName.printable(e.name()), where, e.offset()));
            }
            throw x;
        }
    }

    private void mknod(Path target, CpioEntry e) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("mknod", "-m", Integer.toOctalString(e.mode() & 0777), target.toString()));
        if (e.isDevice()) {
            cmd.add((e.mode() & CpioEntry.S_IFMT) == CpioEntry.S_IFBLK ? "b" : "c");
            cmd.add(Integer.toString(e.rdevMajor()));
            cmd.add(Integer.toString(e.rdevMinor()));
        } else {
            cmd.add("p");
        }
        Exec.Result r;
        try {
            r = Exec.stream(cmd, Duration.ofMinutes(1), line -> {});
        } catch (ExecException x) {
            throw new IOException("cannot create '" + e.name() + "': " + x.getMessage(), x);
        }
        if (!r.ok()) {
            throw new IOException("cannot create '" + e.name() + "': " + r.stdout().trim());
        }
    }

    private static void setPermissions(Path p, int mode) throws IOException {
        Set<PosixFilePermission> perms = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] all = PosixFilePermission.values(); // OWNER_READ ... OTHERS_EXECUTE
        for (int i = 0; i < 9; i++) {
            if ((mode & (0400 >> i)) != 0) {
                perms.add(all[i]);
            }
        }
        Files.setPosixFilePermissions(p, perms);
    }

    private static void setTime(Path p, long mtime) throws IOException {
        FileTime t = FileTime.fromMillis(mtime * 1000);
        Files.getFileAttributeView(p, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS).setTimes(t, null, null);
    }

    /** Sets directory mtimes last, deepest first, since creating children changes them. */
    public void finish() throws IOException {
        for (int i = dirTimes.size() - 1; i >= 0; i--) {
            setTime(dirTimes.get(i).getKey(), dirTimes.get(i).getValue());
        }
    }
}

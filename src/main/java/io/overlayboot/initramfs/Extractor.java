package io.overlayboot.initramfs;

import io.overlayboot.sys.Exec;
import io.overlayboot.sys.ExecException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.DirectoryNotEmptyException;
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
 * the kernel does. Never writes outside the directory: absolute names, {@code ..}, links whose
 * target leaves the initramfs root and writing through any link are refused with the entry's
 * offset. Absolute link targets that stay inside the initramfs root (e.g. {@code etc/mtab ->
 * /proc/mounts}) are created as written, since they mean a path inside the initramfs. Device nodes and
 * fifos are skipped with a warning unless asked for. Permission bits are kept (setuid, setgid and
 * sticky bits are dropped), owners are not.
 */
public final class Extractor implements InitrdReader.Visitor {
    private final Path root;
    private final boolean devices;
    private final PrintWriter warnings;
    private final Map<String, Path> hardLinks = new HashMap<>();
    private final List<Map.Entry<Path, Long>> dirTimes = new ArrayList<>();
    private long written;
    private long skipped;

    public Extractor(Path root, boolean devices, PrintWriter warnings) throws IOException {
        Files.createDirectories(root);
        this.root = root.toRealPath();
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

    @Override
    public void entry(Segment segment, CpioEntry e, InitrdReader.Body body) throws IOException {
        String where = segment.format().equals("none") ? "file" : segment.format() + " data of the segment at offset " + segment.offset();
        List<String> parts = SafeName.components(e, where);
        if (parts.isEmpty()) {
            return; // the root directory itself
        }
        Path target = parentChecked(parts, e, where).resolve(parts.get(parts.size() - 1));
        if (e.isDirectory()) {
            if (!Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
                removeExisting(target, e, where);
                Files.createDirectory(target);
            }
            setPermissions(target, e.mode());
            dirTimes.add(Map.entry(target, e.mtime()));
        } else if (e.isRegular()) {
            writeFile(target, e, body, where);
        } else if (e.isSymlink()) {
            if (!SafeName.linkStaysInside(parts, e.linkTarget())) {
                throw new ArchiveFormatException(String.format(
                        "refusing link '%s' -> '%s': it points outside the directory (entry at %s offset %d)",
                        e.name(), e.linkTarget(), where, e.offset()));
            }
            removeExisting(target, e, where);
            Files.createSymbolicLink(target, Path.of(e.linkTarget()));
            setTime(target, e.mtime());
        } else if (devices && (e.isDevice() || (e.mode() & CpioEntry.S_IFMT) == CpioEntry.S_IFIFO)) {
            removeExisting(target, e, where);
            mknod(target, e);
        } else {
            skipped++;
            warnings.println(String.format(
                    "overlayboot: skipped %s '%s' (entry at %s offset %d); use --devices to create device nodes and fifos",
                    e.isDevice() ? "device node" : "special file", e.name(), where, e.offset()));
            return;
        }
        written++;
    }

    /** Creates missing parents; refuses to go through a link or a non-directory. */
    private Path parentChecked(List<String> parts, CpioEntry e, String where) throws IOException {
        Path p = root;
        for (int i = 0; i < parts.size() - 1; i++) {
            p = p.resolve(parts.get(i));
            if (Files.isSymbolicLink(p)) {
                throw new ArchiveFormatException(String.format(
                        "refusing '%s': it would be written through the link '%s' (entry at %s offset %d)",
                        e.name(), root.relativize(p), where, e.offset()));
            }
            if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
                Files.createDirectory(p);
            } else if (!Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                throw new ArchiveFormatException(String.format(
                        "refusing '%s': its parent '%s' is not a directory (entry at %s offset %d)",
                        e.name(), root.relativize(p), where, e.offset()));
            }
        }
        return p;
    }

    private void writeFile(Path target, CpioEntry e, InitrdReader.Body body, String where) throws IOException {
        String key = e.devMajor() + ":" + e.devMinor() + ":" + e.ino();
        Path first = e.nlink() > 1 ? hardLinks.get(key) : null;
        removeExisting(target, e, where);
        if (first != null && Files.isRegularFile(first, LinkOption.NOFOLLOW_LINKS)) {
            Files.createLink(target, first);
            if (e.size() > 0) {
                try (OutputStream out = Files.newOutputStream(target, StandardOpenOption.WRITE,
                        StandardOpenOption.TRUNCATE_EXISTING, LinkOption.NOFOLLOW_LINKS)) {
                    body.copyTo(out);
                }
            }
        } else {
            try (OutputStream out = Files.newOutputStream(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                    LinkOption.NOFOLLOW_LINKS)) {
                body.copyTo(out);
            }
            if (e.nlink() > 1) {
                hardLinks.put(key, target);
            }
        }
        setPermissions(target, e.mode());
        setTime(target, e.mtime());
    }

    private void removeExisting(Path target, CpioEntry e, String where) throws IOException {
        if (!Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try {
            Files.delete(target);
        } catch (DirectoryNotEmptyException x) {
            throw new ArchiveFormatException(String.format(
                    "refusing '%s': a non-empty directory of that name came earlier (entry at %s offset %d)",
                    e.name(), where, e.offset()));
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

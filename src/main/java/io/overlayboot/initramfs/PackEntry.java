package io.overlayboot.initramfs;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Objects;

/**
 * One entry to write into a cpio archive: a directory, a regular file whose data is in memory or
 * in a file on disk, or a symbolic link. Owner, group and mtime are not part of it: the writer
 * sets them to fixed values so archives are reproducible.
 *
 * @param name the path in the archive, relative, without a leading {@code /} or {@code ./}
 * @param mode the full st_mode (type and permission bits)
 */
public record PackEntry(String name, int mode, byte[] bytes, Path file, long size, String linkTarget) {
    public PackEntry {
        Objects.requireNonNull(name);
        if (name.isEmpty() || name.startsWith("/") || name.startsWith("./")) {
            throw new IllegalArgumentException("archive names are relative: '" + name + "'");
        }
    }

    public static PackEntry directory(String name, int perm) {
        return new PackEntry(name, CpioEntry.S_IFDIR | (perm & 07777), null, null, 0, null);
    }

    public static PackEntry file(String name, int perm, byte[] bytes) {
        return new PackEntry(name, CpioEntry.S_IFREG | (perm & 07777), bytes.clone(), null, bytes.length, null);
    }

    public static PackEntry file(String name, int perm, Path file, long size) {
        return new PackEntry(name, CpioEntry.S_IFREG | (perm & 07777), null, file, size, null);
    }

    public static PackEntry symlink(String name, String target) {
        return new PackEntry(name, CpioEntry.S_IFLNK | 0777, null, null,
                target.getBytes(StandardCharsets.UTF_8).length, target);
    }

    public boolean isDirectory() {
        return (mode & CpioEntry.S_IFMT) == CpioEntry.S_IFDIR;
    }
}

package io.overlayboot.helper;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The protected root's {@code /etc/fstab}, written from the lower root's: a header comment, the
 * root line gone, swap lines gone unless {@code swap=1}, other local filesystems under a union of
 * their own when {@code recurse=1} (overlay only), every other line byte for byte. Line for line
 * what the boot script's {@code ob_write_fstab} writes.
 */
final class Fstab {
    static final String HEADER =
            "# overlayboot: the root (and swap) lines of /ro/etc/fstab are left out while the root is protected.";
    private static final Set<String> LOCAL = Set.of(
            "ext2", "ext3", "ext4", "xfs", "btrfs", "vfat", "exfat", "f2fs", "jfs", "reiserfs", "ntfs", "ntfs3");

    /**
     * The new fstab and the directories (under the union, relative to its top) that the
     * recursive unions need.
     */
    record Rewrite(String text, List<String> directories) {
        Rewrite {
            directories = List.copyOf(directories);
        }
    }

    private Fstab() {}

    /**
     * @param base the directory holding upper/ and work/ as the booted system sees it (/rw or
     *     /rw/DIR); recursive unions keep theirs in BASE/recurse/MOUNTPOINT
     * @param recurse true for {@code recurse=1} with the overlay driver
     */
    static Rewrite rewrite(String fstab, boolean keepSwap, boolean recurse, String base) {
        StringBuilder out = new StringBuilder(HEADER).append('\n');
        List<String> directories = new ArrayList<>();
        List<String> lines = new ArrayList<>(List.of(fstab.split("\n", -1)));
        if (!lines.isEmpty() && lines.getLast().isEmpty()) {
            lines.removeLast();
        }
        for (String line : lines) {
            String[] f = fields(line);
            if (f.length == 0 || f[0].startsWith("#")) {
                out.append(line).append('\n');
                continue;
            }
            String mountPoint = field(f, 1);
            String type = field(f, 2);
            if (mountPoint.equals("/") || (type.equals("swap") && !keepSwap)) {
                continue;
            }
            if (recurse && LOCAL.contains(type) && mountPoint.startsWith("/") && !mountPoint.matches("/+")) {
                String sub = base + "/recurse" + mountPoint;
                directories.add(sub.substring(1) + "/upper");
                directories.add(sub.substring(1) + "/work");
                String options = field(f, 3).isEmpty() ? "defaults" : field(f, 3);
                out.append(f[0]).append(" /ro").append(mountPoint).append(' ').append(type).append(' ')
                        .append(options).append(",ro 0 0\n");
                out.append("overlayboot ").append(mountPoint).append(" overlay lowerdir=/ro").append(mountPoint)
                        .append(",upperdir=").append(sub).append("/upper,workdir=").append(sub)
                        .append("/work,x-systemd.requires-mounts-for=/ro").append(mountPoint).append(" 0 0\n");
                continue;
            }
            out.append(line).append('\n');
        }
        return new Rewrite(out.toString(), directories);
    }

    /** The line split as sh splits it with the default IFS. */
    private static String[] fields(String line) {
        String s = line.replaceAll("^[ \t]+|[ \t]+$", "");
        return s.isEmpty() ? new String[0] : s.split("[ \t]+");
    }

    private static String field(String[] fields, int i) {
        return i < fields.length ? fields[i] : "";
    }
}

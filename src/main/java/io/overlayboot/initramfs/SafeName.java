package io.overlayboot.initramfs;

import java.util.ArrayList;
import java.util.List;

/**
 * Checks archive names and link targets before anything is written: no absolute names, no
 * {@code ..}, no link that points outside the extraction directory.
 */
final class SafeName {
    private SafeName() {}

    /**
     * The components of an entry's name, without {@code .} and empty ones; empty for the root.
     *
     * @throws ArchiveFormatException for absolute names and names with {@code ..}
     */
    static List<String> components(CpioEntry e, String where) throws ArchiveFormatException {
        String name = e.name();
        if (name.startsWith("/")) {
            throw new ArchiveFormatException(String.format(
                    "refusing absolute name '%s' (entry at %s offset %d)", name, where, e.offset()));
        }
        if (name.indexOf('\0') >= 0) {
            throw new ArchiveFormatException(String.format(
                    "refusing a name with a NUL byte (entry at %s offset %d)", where, e.offset()));
        }
        List<String> out = new ArrayList<>();
        for (String c : name.split("/")) {
            if (c.isEmpty() || c.equals(".")) {
                continue;
            }
            if (c.equals("..")) {
                throw new ArchiveFormatException(String.format(
                        "refusing name '%s' with a '..' component (entry at %s offset %d)", name, where, e.offset()));
            }
            out.add(c);
        }
        return out;
    }

    /**
     * True if a link at {@code linkComponents} pointing to {@code target} stays inside the root,
     * resolving the target lexically from the link's directory, or for an absolute target from the
     * root, as it is meant inside the initramfs ({@code etc/mtab -> /proc/mounts} is fine,
     * {@code x -> ../../etc} is not).
     */
    static boolean linkStaysInside(List<String> linkComponents, String target) {
        if (target.isEmpty() || target.indexOf('\0') >= 0) {
            return false;
        }
        List<String> at = target.startsWith("/")
                ? new ArrayList<>()
                : new ArrayList<>(linkComponents.subList(0, linkComponents.size() - 1));
        for (String c : target.split("/")) {
            if (c.isEmpty() || c.equals(".")) {
                continue;
            }
            if (c.equals("..")) {
                if (at.isEmpty()) {
                    return false;
                }
                at.remove(at.size() - 1);
            } else {
                at.add(c);
            }
        }
        return true;
    }
}

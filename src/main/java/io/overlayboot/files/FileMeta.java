package io.overlayboot.files;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.EnumSet;
import java.util.Set;

/**
 * Permission bits and owner of a file, as install records them and uninstall puts them back.
 *
 * <p>On the machine's own filesystem the owner and group are numeric ids ({@code "0"}), because a
 * target tree under {@code --root} has its own {@code /etc/passwd}; on other filesystems (jimfs in
 * tests) they are principal names.
 *
 * @param mode the permission bits, e.g. {@code 0644}
 * @param owner the owning user: a numeric uid on the default filesystem, else a name
 * @param group the owning group, in the same form
 */
public record FileMeta(int mode, String owner, String group) {
    private static final PosixFilePermission[] BITS = {
        PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
        PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
        PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ,
    };

    public FileMeta {
        if (mode < 0 || mode > 0777) {
            throw new IllegalArgumentException("mode out of range: " + Integer.toOctalString(mode));
        }
    }

    /** Reads the mode and owner of {@code path} without following a final symbolic link. */
    public static FileMeta read(Path path) throws IOException {
        PosixFileAttributes attrs =
                Files.readAttributes(path, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        int mode = modeOf(attrs.permissions());
        if (numericIds(path)) {
            Object uid = Files.getAttribute(path, "unix:uid", LinkOption.NOFOLLOW_LINKS);
            Object gid = Files.getAttribute(path, "unix:gid", LinkOption.NOFOLLOW_LINKS);
            return new FileMeta(mode, uid.toString(), gid.toString());
        }
        return new FileMeta(mode, attrs.owner().getName(), attrs.group().getName());
    }

    /** Sets this mode and owner on {@code path}. */
    public void apply(Path path) throws IOException {
        PosixFileAttributeView view =
                Files.getFileAttributeView(path, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
        if (numericIds(path)) {
            Files.setAttribute(path, "unix:uid", Integer.parseInt(owner), LinkOption.NOFOLLOW_LINKS);
            Files.setAttribute(path, "unix:gid", Integer.parseInt(group), LinkOption.NOFOLLOW_LINKS);
        } else {
            UserPrincipalLookupService lookup = path.getFileSystem().getUserPrincipalLookupService();
            UserPrincipal user = lookup.lookupPrincipalByName(owner);
            GroupPrincipal grp = lookup.lookupPrincipalByGroupName(group);
            view.setOwner(user);
            view.setGroup(grp);
        }
        // chown may clear permission bits, so the mode goes last.
        view.setPermissions(permissions());
    }

    /** The same owner with another mode. */
    public FileMeta withMode(int newMode) {
        return new FileMeta(newMode, owner, group);
    }

    public Set<PosixFilePermission> permissions() {
        return permissionsOf(mode);
    }

    /** The mode as {@code ls -l} users write it: {@code 0644}. */
    public String octalMode() {
        return String.format("%04o", mode);
    }

    public static int modeOf(Set<PosixFilePermission> permissions) {
        int mode = 0;
        for (int i = 0; i < BITS.length; i++) {
            if (permissions.contains(BITS[i])) {
                mode |= 1 << i;
            }
        }
        return mode;
    }

    public static Set<PosixFilePermission> permissionsOf(int mode) {
        Set<PosixFilePermission> set = EnumSet.noneOf(PosixFilePermission.class);
        for (int i = 0; i < BITS.length; i++) {
            if ((mode & (1 << i)) != 0) {
                set.add(BITS[i]);
            }
        }
        return set;
    }

    private static boolean numericIds(Path path) {
        return path.getFileSystem() == FileSystems.getDefault()
                && path.getFileSystem().supportedFileAttributeViews().contains("unix");
    }
}

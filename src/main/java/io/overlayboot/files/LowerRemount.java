package io.overlayboot.files;

import io.overlayboot.core.ExitCode;
import io.overlayboot.core.OverlaybootException;
import io.overlayboot.sys.Exec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

/**
 * Makes the lower layer ({@code /ro}) writable for a moment and read-only again, the one place
 * {@code maintenance}, {@code upgrade} and {@code commit} do it.
 *
 * <p>Two flags decide whether {@code /ro} takes writes: the mount's own ({@code mount -o
 * remount,bind,ro|rw POINT}) and its filesystem's, the superblock's ({@code mount -o
 * remount,ro|rw POINT}), which every other mount of that filesystem shares. With {@code persist=}
 * the boot leaves the filesystem writable and only {@code /ro}'s mount flag read-only, since the
 * persisted paths are writable bind mounts of that same filesystem. So {@link #writable} first
 * flips only the mount flag, and the superblock only when the filesystem turns out to be
 * read-only; {@link #readOnly} undoes exactly what was changed. Making the superblock read-only
 * under persisted paths would make them read-only too, or fail (EBUSY) while a file there is open
 * for writing, as journald's under {@code @logs} always is.
 */
public final class LowerRemount {
    private static final Duration LIMIT = Duration.ofMinutes(2);

    /**
     * What {@link #writable} changed.
     */
    public enum Change {
        /** Only {@code /ro}'s mount flag: undone by {@code remount,bind,ro}. */
        MOUNT,
        /** The filesystem too: undone by {@code remount,ro}, as it was read-only before. */
        SUPERBLOCK
    }

    private LowerRemount() {}

    /** {@code mount -o remount,bind,rw POINT}: only this mount's flag, not its filesystem's. */
    public static void mountWritable(Path point) {
        check(mount("-o", "remount,bind,rw", point.toString()), point, "rw", "is " + point + " the lower layer of a protected root?");
    }

    /** {@code mount -o remount,bind,ro POINT}: only this mount's flag; never busy. */
    public static void mountReadOnly(Path point) {
        check(mount("-o", "remount,bind,ro", point.toString()), point, "ro", "remount it by hand: mount -o remount,bind,ro " + point);
    }

    /** {@code mount -o remount,rw POINT}: the filesystem, read-write. */
    public static void superblockWritable(Path point) {
        check(mount("-o", "remount,rw", point.toString()), point, "rw", "is " + point + " on a read-only device?");
    }

    /**
     * {@code mount -o remount,ro POINT}: the filesystem, read-only; retried once after dropping
     * the kernel's caches.
     */
    public static void superblockReadOnly(Path point) {
        Exec.Result r = mount("-o", "remount,ro", point.toString());
        if (!r.ok()) {
            // A file replaced or deleted in the lower stays pending while the union above still
            // caches its old inode, and the kernel refuses to go read-only (EBUSY) until it is
            // released: drop the dentry and inode caches, then try again.
            try {
                Files.writeString(Path.of("/proc/sys/vm/drop_caches"), "2");
            } catch (IOException e) {
                // not allowed here: the retry fails and says so
            }
            r = mount("-o", "remount,ro", point.toString());
        }
        check(r, point, "ro", "a process may still have a file open for writing there (fuser -vm " + point
                + "); then: mount -o remount,ro " + point);
    }

    /**
     * Makes {@code point} writable: its mount flag, then, when {@code mountTable} still shows it
     * read-only, its filesystem. Returns what to undo with {@link #readOnly}.
     */
    public static Change writable(Path point, Path mountTable) {
        mountWritable(point);
        if (!readOnlyNow(point, mountTable)) {
            return Change.MOUNT;
        }
        superblockWritable(point);
        return Change.SUPERBLOCK;
    }

    /**
     * Undoes {@code change} as {@link #readOnly(Path, Change)} does, for a maintenance session, whose
     * command may have deleted files that a process outside it still has open: above all this very
     * JVM's runtime, when the command removed or upgraded overlayboot ({@code overlayboot
     * maintenance -- apt-get remove overlayboot}). The kernel keeps such a file until its last user
     * ends and refuses to make its filesystem read-only meanwhile (EBUSY, also after dropping the
     * caches), and this JVM ends only after the session. Then only {@code point}'s mount flag goes
     * read-only, as {@code persist=} leaves a machine, which nobody can write through (a process
     * writing through {@code point} would make that fail too, and the error stands), and
     * {@code note} says that the filesystem stays writable until a shutdown remounts it (or
     * {@code mount -o remount,ro POINT} once the file is closed).
     */
    public static void readOnly(Path point, Change change, Consumer<String> note) {
        if (change != Change.SUPERBLOCK) {
            mountReadOnly(point);
            return;
        }
        try {
            superblockReadOnly(point);
        } catch (OverlaybootException failed) {
            // only when the kernel said busy (EBUSY: "mount point is busy"); any other failure stands
            if (!String.valueOf(failed.getMessage()).toLowerCase(java.util.Locale.ROOT).contains("busy")
                    || !mount("-o", "remount,bind,ro", point.toString()).ok()) {
                throw failed;
            }
            note.accept(point + " is read-only again by its mount flag only: its filesystem stays writable, as a file deleted"
                    + " there is still open (overlayboot's own runtime, when the command removed or upgraded it; fuser -vm " + point
                    + "), until shutdown, or until 'echo 2 > /proc/sys/vm/drop_caches; mount -o remount,ro " + point
                    + "' after that file is closed");
        }
    }

    /** Undoes {@link #writable}'s {@code change}. */
    public static void readOnly(Path point, Change change) {
        if (change == Change.SUPERBLOCK) {
            superblockReadOnly(point);
        } else {
            mountReadOnly(point);
        }
    }

    /** True when {@code mountTable} shows the visible mount at {@code point} read-only (by either flag). */
    public static boolean readOnlyNow(Path point, Path mountTable) {
        try {
            return ProcMounts.read(mountTable).at(point.toString()).map(ProcMounts.Mount::readOnly).orElse(true);
        } catch (IOException e) {
            throw OverlaybootException.environment("Cannot read the mount table " + mountTable + ": " + e.getMessage(),
                    "run this on the machine itself, where /proc is mounted");
        }
    }

    private static void check(Exec.Result r, Path point, String mode, String hint) {
        if (!r.ok()) {
            throw new OverlaybootException(ExitCode.EXTERNAL_FAILURE, "Cannot remount the lower layer " + point + " " + mode
                    + ": " + r.stderr().strip(), hint);
        }
    }

    private static Exec.Result mount(String... args) {
        List<String> argv = new java.util.ArrayList<>(List.of("mount"));
        argv.addAll(List.of(args));
        // untranslated messages: readOnly tells EBUSY ("mount point is busy") by mount's text
        return Exec.run(argv, java.util.Map.of("LC_ALL", "C"), null, null, LIMIT);
    }
}

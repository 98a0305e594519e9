package io.overlayboot.maintain;

import io.overlayboot.files.RunLock;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Where a maintenance session finds things on the running system: its {@code /} (the protected
 * union), the lower layer below it at {@code /ro}, the mount table that says what is mounted, the
 * session record and the lock directory. Tests point {@code root} at a union they mounted in a
 * private mount namespace; on a machine it is {@code /}.
 *
 * @param root the running system's {@code /}, as a real path
 * @param lower the lower layer's mount point, {@code ROOT/ro}
 * @param mountTable the mount table to read ({@code /proc/self/mounts})
 * @param record the session record, {@code ROOT/run/overlayboot/maintenance}
 * @param lockDir where the session's lock file is ({@link RunLock#defaultLockDir()})
 */
public record Layout(Path root, Path lower, Path mountTable, Path record, Path lockDir) {
    /** The directories bound into the lower for every session, in the order they are mounted. */
    static final java.util.List<String> ALWAYS = java.util.List.of("proc", "sys", "dev", "run");
    /** Bound too when they are mount points of their own on the running system. */
    static final java.util.List<String> WHEN_SEPARATE = java.util.List.of("boot", "boot/efi");

    /** The layout of the system whose {@code /} is {@code root}, reading {@code mountTable}. */
    public static Layout of(Path root, Path mountTable) {
        Path real;
        try {
            real = root.toRealPath();
        } catch (IOException e) {
            throw io.overlayboot.core.OverlaybootException.badInput("--root '" + root + "' is not a directory here: " + e.getMessage(),
                    "leave --root out on the machine itself (it means /)");
        }
        return new Layout(real, real.resolve("ro"), mountTable, real.resolve("run/overlayboot/maintenance"),
                RunLock.defaultLockDir());
    }

    /** The mount table now (read afresh: a session changes it). */
    io.overlayboot.files.ProcMounts mounts() {
        try {
            return io.overlayboot.files.ProcMounts.read(mountTable);
        } catch (IOException e) {
            throw io.overlayboot.core.OverlaybootException.environment("Cannot read the mount table " + mountTable + ": "
                    + e.getMessage(), "run this on the machine itself, where /proc is mounted");
        }
    }

    /** The path as the running system names it: {@code /ro/proc} for {@code ROOT/ro/proc}. */
    String show(Path p) {
        return root.getNameCount() == 0 ? p.toString() : "/" + root.relativize(p);
    }
}

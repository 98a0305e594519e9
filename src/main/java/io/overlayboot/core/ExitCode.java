package io.overlayboot.core;

/**
 * The exit codes every overlayboot command uses. Scripts may rely on these numbers; they are
 * documented in the README.
 */
public enum ExitCode {
    /** The command did what was asked. */
    OK(0),
    /** {@code status}: the root is not protected right now; {@code check}: the next boot will not protect it. */
    NOT_PROTECTED(1),
    /** The command line itself is wrong: unknown option, missing argument. */
    USAGE(2),
    /** An input (a file, a value, an archive) is malformed; nothing was changed. */
    BAD_INPUT(3),
    /** The machine or target is not suitable (missing tool, not Debian-style, already overlaid). */
    ENVIRONMENT(4),
    /** An external step failed (update-initramfs, update-grub, mount). */
    EXTERNAL_FAILURE(5),
    /** The user declined a confirmation, or a concurrent run holds the lock. */
    ABORTED(6),
    /**
     * {@code check} only: cannot tell whether the next boot protects (no boot loader menu and no
     * {@code mode=}, an initrd that cannot be read or was built by an unknown generator).
     */
    CANNOT_TELL(7),
    /** {@code status} only: the root is protected now, but the next boot will not protect it ({@code check} says why). */
    NEXT_BOOT_UNPROTECTED(8),
    /** A bug in overlayboot. */
    INTERNAL(70);

    private final int code;

    ExitCode(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }
}

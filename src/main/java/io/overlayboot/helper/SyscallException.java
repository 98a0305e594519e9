package io.overlayboot.helper;

/**
 * A system call that failed: which call, on which path, and the kernel's errno with its message
 * ({@code strerror}), so a console line can name the step, the path and the cause.
 */
public final class SyscallException extends Exception {
    private static final long serialVersionUID = 1L;
    private final int errno;
    private final String reason;

    SyscallException(String call, int errno, String reason) {
        super(call + ": " + reason + " (errno " + errno + ")");
        this.errno = errno;
        this.reason = reason;
    }

    /** The C library's message for the errno, such as "No such file or directory". */
    public String reason() {
        return reason;
    }

    /** The kernel's error number, as {@code errno(3)} reports it. */
    public int errno() {
        return errno;
    }
}

package io.overlayboot.initramfs;

import java.io.PrintWriter;

/**
 * A one-line progress report on stderr for large inputs, shown only when stderr is a terminal
 * (as zstd and curl do: {@code inspect big.img > list} in a terminal still shows it) and redrawn
 * at most five times a second.
 */
public final class Progress {
    private static final long LARGE = 64L << 20;
    private final PrintWriter err;
    private final boolean enabled;
    private long lastDraw;
    private boolean drawn;

    private Progress(PrintWriter err, boolean enabled) {
        this.err = err;
        this.enabled = enabled;
    }

    /**
     * Reports to {@code err} if the process's stderr is a terminal: {@code /proc/self/fd/2} leads to
     * a terminal device ({@code /dev/pts/N}, {@code /dev/ttyX}, {@code /dev/console}). Not
     * {@code System.console()}: on JDK 25 it sets up the jdk.internal.le console provider, some
     * milliseconds of every {@code inspect}'s start, and it asks about stdin and stdout, not stderr.
     */
    public static Progress onTerminal(PrintWriter err) {
        return new Progress(err, isTerminal(java.nio.file.Path.of("/proc/self/fd/2")));
    }

    /** Whether {@code fd} (a /proc/.../fd/N link) leads to a terminal device. */
    static boolean isTerminal(java.nio.file.Path fd) {
        try {
            String target = java.nio.file.Files.readSymbolicLink(fd).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty") || target.equals("/dev/console");
        } catch (java.io.IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    public static Progress none() {
        return new Progress(null, false);
    }

    void at(long offset, long size) {
        if (!enabled || size < LARGE) {
            return;
        }
        long now = System.nanoTime();
        if (now - lastDraw < 200_000_000L) {
            return;
        }
        lastDraw = now;
        drawn = true;
        err.printf("\roverlayboot: %d of %d MB (%d%%)", offset >> 20, size >> 20, offset * 100 / size);
        err.flush();
    }

    void done() {
        if (drawn) {
            err.print("\r\033[K");
            err.flush();
        }
    }
}

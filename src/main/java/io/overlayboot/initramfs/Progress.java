package io.overlayboot.initramfs;

import java.io.PrintWriter;

/**
 * A one-line progress report on stderr for large inputs, shown only when stderr is a terminal
 * and redrawn at most five times a second.
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

    /** Reports to {@code err} if it is a terminal. */
    public static Progress onTerminal(PrintWriter err) {
        java.io.Console c = System.console();
        return new Progress(err, c != null && c.isTerminal());
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

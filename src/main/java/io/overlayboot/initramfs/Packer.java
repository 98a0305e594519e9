package io.overlayboot.initramfs;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;

/**
 * Writes entries as one cpio archive in one compressed segment. The output depends only on the
 * entries, the format, the level and the mtime, so the same inputs give the same bytes.
 */
public final class Packer {
    private Packer() {}

    /** The mtime written into archives: {@code SOURCE_DATE_EPOCH} when set, else 0. */
    public static long reproducibleMtime(String sourceDateEpoch) {
        if (sourceDateEpoch == null || sourceDateEpoch.isBlank()) {
            return 0;
        }
        try {
            long v = Long.parseLong(sourceDateEpoch.trim());
            if (v < 0 || v > 0xffffffffL) {
                throw new NumberFormatException();
            }
            return v;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "SOURCE_DATE_EPOCH='" + sourceDateEpoch + "' is not a number of seconds between 0 and 4294967295");
        }
    }

    /**
     * Writes {@code entries} in the given order to {@code out} (which is closed at the end).
     * Returns the length of the uncompressed cpio data.
     */
    public static long write(List<PackEntry> entries, Compression compression, int level, long mtime, OutputStream out)
            throws IOException {
        OutputStream encoded = compression.encoder(out, level);
        OutputStream buffered = new BufferedOutputStream(encoded, 1 << 20);
        try (NewcWriter w = new NewcWriter(buffered, mtime)) {
            for (PackEntry e : entries) {
                w.write(e);
            }
            w.close();
            return w.written();
        }
    }
}

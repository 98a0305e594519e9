package io.overlayboot.initramfs;

import java.io.IOException;

/**
 * An initrd or cpio archive that is truncated, corrupt or hostile. The message names the offset
 * (and the segment) where the problem was found.
 */
public class ArchiveFormatException extends IOException {
    public ArchiveFormatException(String message) {
        super(message);
    }

    public ArchiveFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}

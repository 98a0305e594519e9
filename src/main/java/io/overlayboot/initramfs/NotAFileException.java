package io.overlayboot.initramfs;

/** The input named as an initrd is not a regular file or block device (a fifo, a directory, ...). */
public final class NotAFileException extends ArchiveFormatException {
    private static final long serialVersionUID = 1L;

    NotAFileException(String message) {
        super(message);
    }
}

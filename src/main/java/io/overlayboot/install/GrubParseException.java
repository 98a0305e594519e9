package io.overlayboot.install;

/** An {@code /etc/default/grub} that overlayboot cannot edit safely; the message says where and why. */
final class GrubParseException extends RuntimeException {
    GrubParseException(String message) {
        super(message);
    }
}

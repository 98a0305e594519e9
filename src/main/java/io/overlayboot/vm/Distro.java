package io.overlayboot.vm;

/**
 * The cached Debian chroots {@code e2e/build-chroot.sh} builds, one per distribution release and
 * initramfs generator: the argument the script takes and the directory under the cache it fills.
 */
public enum Distro {
    /** Debian 12 with initramfs-tools: the chroot most tests use. */
    BOOKWORM("bookworm", "chroot", Generator.INITRAMFS_TOOLS),
    /** Debian 13 with initramfs-tools (whose {@code manual_add_modules} only queues a module). */
    TRIXIE("trixie", "chroot-trixie", Generator.INITRAMFS_TOOLS),
    /** Debian 13 with dracut and systemd, without initramfs-tools. */
    DRACUT("dracut", "chroot-dracut", Generator.DRACUT);

    /** How a chroot builds its initrds. */
    public enum Generator { INITRAMFS_TOOLS, DRACUT }

    private final String argument;
    private final String directory;
    private final Generator generator;

    Distro(String argument, String directory, Generator generator) {
        this.argument = argument;
        this.directory = directory;
        this.generator = generator;
    }

    /** The argument of {@code build-chroot.sh}. */
    public String argument() {
        return argument;
    }

    /** The chroot's directory name under the cache (and {@code chroot-run.sh --chroot}). */
    public String directory() {
        return directory;
    }

    public Generator generator() {
        return generator;
    }
}

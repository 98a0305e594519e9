package io.overlayboot.render;

/**
 * The initramfs generators overlayboot renders a front-end for: Debian's initramfs-tools (a hook and
 * an init-bottom script) and dracut (a module with a pre-pivot hook). Both run the same boot core.
 */
public enum Generator {
    INITRAMFS_TOOLS("initramfs-tools"),
    DRACUT("dracut");

    private final String displayName;

    Generator(String displayName) {
        this.displayName = displayName;
    }

    /** The name users know it by, as in its package. */
    public String displayName() {
        return displayName;
    }
}

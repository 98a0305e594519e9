package io.overlayboot.guard;

import io.overlayboot.render.Renderer;
import java.util.List;
import java.util.Optional;

/**
 * What an initrd built by one initramfs generator must hold for overlayboot to run at boot. The
 * generator is recognised by a file only it puts in every initrd ({@link #marker}); the checks that
 * do not depend on the generator (the union module, {@code blkid}) are in {@link InitrdCheck}.
 *
 * <p>Supporting another generator is one more entry in {@link #ALL}: its marker, the path of
 * overlayboot's boot code in its initrds, and the paths that must exist besides.
 *
 * @param name the generator as users know it
 * @param marker a path every initrd of this generator holds
 * @param requirements what must be in the initrd, first the boot code
 */
record Generator(String name, String marker, List<Requirement> requirements) {
    /**
     * A file the initrd must hold.
     *
     * @param what what it is, for the reason ("the boot script")
     * @param path its path in the initrd
     * @param mustContain text the file must contain, or empty; checked only when the boot code (the first
     *     requirement) is present, since its absence is then the one cause
     * @param hint how to get it back (%s stands for the kernel version)
     */
    record Requirement(String what, String path, String mustContain, String hint) {}

    private static final String REBUILD = "update-initramfs -u -k %s";

    static final Generator INITRAMFS_TOOLS = new Generator("initramfs-tools", "conf/initramfs.conf", List.of(
            new Requirement("the boot script", "scripts/init-bottom/overlayboot", "",
                    "check that /etc/initramfs-tools/scripts/init-bottom/overlayboot and /etc/initramfs-tools/hooks/overlayboot"
                            + " exist ('overlayboot install' puts them back), then run " + REBUILD),
            new Requirement("the boot script's place in the init-bottom order", "scripts/init-bottom/ORDER",
                    "/scripts/init-bottom/overlayboot", "run " + REBUILD),
            new Requirement("the config file", "etc/overlayboot.conf", "",
                    "check /etc/overlayboot.conf and /etc/initramfs-tools/hooks/overlayboot exist, then run " + REBUILD),
            new Requirement("the boot library the script sources", Renderer.LIBRARY, "",
                    "check that /" + Renderer.LIBRARY + " and /etc/initramfs-tools/hooks/overlayboot exist"
                            + " ('overlayboot install' puts them back), then run " + REBUILD)));

    /** Every generator overlayboot can verify, in the order they are tried. */
    static final List<Generator> ALL = List.of(INITRAMFS_TOOLS);

    /** The generator that built the initrd, if it is one of {@link #ALL}. */
    static Optional<Generator> of(InitrdContents initrd) {
        return ALL.stream().filter(g -> initrd.has(g.marker())).findFirst();
    }

    /** The paths whose text the check reads. */
    static boolean wantsText(String path) {
        return path.endsWith("etc/overlayboot.conf")
                || ALL.stream().flatMap(g -> g.requirements().stream())
                        .anyMatch(r -> !r.mustContain().isEmpty() && path.endsWith(r.path()));
    }
}

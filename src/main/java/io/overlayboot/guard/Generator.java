package io.overlayboot.guard;

import io.overlayboot.render.Renderer;
import java.util.List;
import java.util.Optional;

/**
 * What an initrd built by one initramfs generator must hold for overlayboot to run at boot. The
 * generator is recognised by a file only it puts in every initrd ({@link #marker}); the checks that
 * do not depend on the generator (the union module, {@code blkid}) are in {@link KernelCheck}.
 *
 * <p>Supporting another generator is one more entry in {@link #ALL}: its marker, the path of
 * overlayboot's boot code in its initrds, and the paths that must exist besides.
 *
 * @param name the generator as users know it
 * @param marker a path every initrd of this generator holds
 * @param rebuild the command that rebuilds one kernel's initrd ({@code %1$s} stands for the kernel version)
 * @param moduleSource the file on the target that puts the union module into the initrd, for the hint
 * @param requirements what must be in the initrd, first the boot code
 */
record Generator(String name, String marker, String rebuild, String moduleSource, List<Requirement> requirements) {
    /**
     * A file the initrd must hold, at one of a few places.
     *
     * @param what what it is, for the reason ("the boot script")
     * @param paths where it may be in the initrd, the usual place first (the one a reason names)
     * @param mustContain text the file must contain, or empty; checked only when the boot code (the first
     *     requirement) is present, since its absence is then the one cause
     * @param hint how to get it back ({@code %1$s} stands for the kernel version)
     */
    record Requirement(String what, List<String> paths, String mustContain, String hint) {
        Requirement {
            paths = List.copyOf(paths);
        }

        Requirement(String what, String path, String mustContain, String hint) {
            this(what, List.of(path), mustContain, hint);
        }

        /** The place a reason names. */
        String path() {
            return paths.getFirst();
        }

        /** Where {@code initrd} holds it, if anywhere. */
        Optional<String> in(InitrdContents initrd) {
            return paths.stream().filter(initrd::has).findFirst();
        }
    }

    private static final String UPDATE_INITRAMFS = "update-initramfs -u -k %1$s";

    static final Generator INITRAMFS_TOOLS = new Generator("initramfs-tools", "conf/initramfs.conf", UPDATE_INITRAMFS,
            "/etc/initramfs-tools/hooks/overlayboot", List.of(
            new Requirement("the boot script", "scripts/init-bottom/overlayboot", "",
                    "check that /etc/initramfs-tools/scripts/init-bottom/overlayboot and /etc/initramfs-tools/hooks/overlayboot"
                            + " exist ('overlayboot install' puts them back), then run " + UPDATE_INITRAMFS),
            new Requirement("the boot script's place in the init-bottom order", "scripts/init-bottom/ORDER",
                    "/scripts/init-bottom/overlayboot", "run " + UPDATE_INITRAMFS),
            new Requirement("the config file", "etc/overlayboot.conf", "",
                    "check /etc/overlayboot.conf and /etc/initramfs-tools/hooks/overlayboot exist, then run " + UPDATE_INITRAMFS),
            new Requirement("the boot library the script sources", Renderer.LIBRARY, "",
                    "check that /" + Renderer.LIBRARY + " and /etc/initramfs-tools/hooks/overlayboot exist"
                            + " ('overlayboot install' puts them back), then run " + UPDATE_INITRAMFS)));

    private static final String DRACUT_REBUILD = "dracut --force /boot/initrd.img-%1$s %1$s";
    private static final String DRACUT_MODULE = "/usr/lib/dracut/modules.d/90overlayboot";

    /**
     * dracut (059 of Debian 12, 106 of Debian 13): {@code lib/dracut-lib.sh} is in every initrd (its
     * base module). The module's pre-pivot hook lands in the hook directory of that dracut version:
     * {@code /var/lib/dracut/hooks} (dracut-ng 106) or {@code /lib/dracut/hooks} (059; with a merged
     * {@code /usr}, {@code lib} is a link to {@code usr/lib}).
     */
    static final Generator DRACUT = new Generator("dracut", "lib/dracut-lib.sh", DRACUT_REBUILD,
            DRACUT_MODULE + "/module-setup.sh", List.of(
            new Requirement("the dracut module's pre-pivot hook", List.of(
                    "var/lib/dracut/hooks/pre-pivot/90-overlayboot-pre-pivot.sh",
                    "lib/dracut/hooks/pre-pivot/90-overlayboot-pre-pivot.sh",
                    "usr/lib/dracut/hooks/pre-pivot/90-overlayboot-pre-pivot.sh"), "",
                    "check that " + DRACUT_MODULE + "/ and /etc/dracut.conf.d/overlayboot.conf exist"
                            + " ('overlayboot install' puts them back), then run " + DRACUT_REBUILD),
            new Requirement("the boot core the hook runs", "usr/lib/overlayboot/overlayboot-boot", "",
                    "check " + DRACUT_MODULE + "/overlayboot-boot.sh exists, then run " + DRACUT_REBUILD),
            new Requirement("the boot library the core sources", Renderer.LIBRARY, "",
                    "check that /" + Renderer.LIBRARY + " exists ('overlayboot install' puts it back), then run " + DRACUT_REBUILD),
            new Requirement("the config file", "etc/overlayboot.conf", "",
                    "check /etc/overlayboot.conf and " + DRACUT_MODULE + "/module-setup.sh exist, then run " + DRACUT_REBUILD)));

    /** Every generator overlayboot can verify, in the order they are tried. */
    static final List<Generator> ALL = List.of(INITRAMFS_TOOLS, DRACUT);

    /** The generator that built the initrd, if it is one of {@link #ALL}. */
    static Optional<Generator> of(InitrdContents initrd) {
        return ALL.stream().filter(g -> initrd.has(g.marker())).findFirst();
    }

    /** The command that rebuilds kernel {@code version}'s initrd with the generator {@code name}, initramfs-tools' when not known. */
    static String rebuild(String name, String version) {
        return withVersion(ALL.stream().filter(g -> g.name().equals(name)).findFirst().orElse(INITRAMFS_TOOLS).rebuild(), version);
    }

    /**
     * {@code template} ({@link #rebuild}, a {@link Requirement#hint}) with {@code %1$s} replaced by
     * the kernel {@code version}: what {@code formatted} would give, without the Formatter and the
     * locale data it loads ({@code status} builds these strings at every call).
     */
    static String withVersion(String template, String version) {
        return template.replace("%1$s", version);
    }

    /** The paths whose text the check reads. */
    static boolean wantsText(String path) {
        return path.endsWith("etc/overlayboot.conf")
                || ALL.stream().flatMap(g -> g.requirements().stream())
                        .anyMatch(r -> !r.mustContain().isEmpty() && r.paths().stream().anyMatch(path::endsWith));
    }
}

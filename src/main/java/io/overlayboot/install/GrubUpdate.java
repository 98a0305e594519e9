package io.overlayboot.install;

import java.util.List;

/**
 * Regenerating a target's {@code grub.cfg} for commands outside install ({@code lock-boot},
 * {@code unlock-boot}): the same command and the same {@link BootChain} rules as install (run
 * directly on the live system, through {@code chroot} under {@code --root}, printed when the
 * target cannot run it).
 */
public final class GrubUpdate {
    /** Debian's way to regenerate grub.cfg (grub2-common). */
    public static final List<String> UPDATE_GRUB = List.of("update-grub");
    /** What {@code update-grub} runs, for a root that has grub-common but not grub2-common. */
    public static final List<String> MKCONFIG = List.of("grub-mkconfig", "-o", "/boot/grub/grub.cfg");

    private GrubUpdate() {}

    /** The command that regenerates grub.cfg inside {@code target}: {@code update-grub}, else {@code grub-mkconfig -o ...}. */
    public static List<String> command(Target target) {
        return target.grubCommand();
    }

    /** Runs {@link #command} for {@code target}, or prints it to run by hand; says which. */
    public static BootChainOutcome run(Target target, Log log) {
        return new BootChain(target, log).run(List.of(command(target))) ? BootChainOutcome.RAN : BootChainOutcome.PRINTED;
    }
}

package io.overlayboot.guard;

import java.util.List;

/**
 * The verdict of {@code overlayboot check}: what the next boot will do, and each installed kernel.
 *
 * @param entry the boot entry the next boot uses, or null when it cannot be found
 * @param kernel the check of that entry's kernel and initrd, or null when there is none to check
 * @param reasons why the next boot will not protect (or cannot be told); empty when it protects
 * @param warnings remarks that do not change the verdict
 * @param others every other installed kernel, each with its own initrd
 * @param marks the lines the kernel and initramfs guard left in the mark file, per kernel
 * @param oneShot the choice {@code overlayboot next-boot} (or grub-reboot) left for the next boot only, or null
 */
public record NextBoot(BootEntry entry, KernelReport kernel, List<Reason> reasons, List<String> warnings,
        List<KernelReport> others, List<Mark.Line> marks, OneShot.Pending oneShot) {
    public NextBoot {
        reasons = List.copyOf(reasons);
        warnings = List.copyOf(warnings);
        others = List.copyOf(others);
        marks = List.copyOf(marks);
    }

    public Outcome outcome() {
        return Outcome.of(reasons);
    }
}

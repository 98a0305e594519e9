package io.overlayboot.guard;

import io.overlayboot.settings.Resolution;
import java.util.List;

/**
 * What one kernel and its initrd will do at boot.
 *
 * @param version the kernel version, e.g. {@code 6.1.0-50-amd64}
 * @param initrds the initrd files as the target sees them ({@code /boot/initrd.img-...})
 * @param generator the initramfs generator that built them, or empty when not known
 * @param settings the settings the boot script would resolve from the command line given and
 *     the config file inside the initrd
 * @param reasons why it will not protect, or why that cannot be told; empty when it protects
 * @param warnings what is worth knowing but does not stop protection
 */
public record KernelReport(String version, List<String> initrds, String generator, Resolution settings,
        List<Reason> reasons, List<String> warnings) {
    public KernelReport {
        initrds = List.copyOf(initrds);
        reasons = List.copyOf(reasons);
        warnings = List.copyOf(warnings);
    }

    public Outcome outcome() {
        return Outcome.of(reasons);
    }
}

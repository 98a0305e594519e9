package io.overlayboot.install;

import java.util.Locale;

/** What became of a run's boot-chain commands ({@code update-initramfs}, the GRUB command). */
public enum BootChainOutcome {
    /** They ran here and succeeded. */
    RAN,
    /** They could not run here (no {@code /proc} in the target, a tool missing) and were printed to run by hand. */
    PRINTED,
    /** A dry run: they would run. */
    WOULD_RUN,
    /** There was nothing to run. */
    NONE;

    /** The name in {@code --json} output ({@code ran}, {@code printed}, {@code would-run}, {@code none}; docs/json.md). */
    public String jsonName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}

package io.overlayboot.install;

import io.overlayboot.render.RenderRequest;
import java.util.Optional;

/**
 * Computes the {@link Plan} of one command from the target as it is now, changing nothing: it reads
 * files, runs the refusals, and returns a value that {@link Apply} carries out (or, on a dry run,
 * prints). It is called under the target's lock, with the manifest already read.
 */
@FunctionalInterface
public interface Planner {
    /**
     * @param installed the target's manifest; empty when overlayboot is not installed there
     * @param force {@code --force}: overrides the "changed since install" and "already overlaid" refusals
     */
    Plan plan(Target target, Optional<Manifest> installed, boolean force);

    /** {@code install}: lay the files of {@code request} into the target ({@code request.grub()} false: {@code --no-grub}). */
    static Planner install(RenderRequest request) {
        return InstallPlanner.install(request);
    }

    /** {@code configure}: change the settings of an installed target. */
    static Planner configure(SettingsChange change) {
        return InstallPlanner.configure(change);
    }

    /** {@code enable}: switch on the Debian package's boot files (see {@link Packaged}). */
    static Planner enable(RenderRequest request) {
        return InstallPlanner.enable(request);
    }

    /** {@code disable}: take out what {@code enable} did; {@code fromPackage}: from the package's prerm. */
    static Planner disable(boolean fromPackage) {
        return new DisablePlanner(fromPackage, true);
    }

    /** {@code uninstall}: put back everything the manifest names. */
    static Planner uninstall() {
        return new UninstallPlanner();
    }
}

package io.overlayboot.install;

import io.overlayboot.core.OverlaybootException;
import io.overlayboot.install.Plan.Closing;
import io.overlayboot.install.Plan.Notice;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Plans {@code disable}: what {@code enable} did, taken back out byte for byte from its manifest
 * (as {@link UninstallPlanner} does for {@code install}); the package's boot files stay.
 *
 * <p>{@code fromPackage} (the package's {@code prerm} on removal): the initrds are not rebuilt here,
 * because removing the package activates initramfs-tools' trigger, which rebuilds them without the
 * package's files; GRUB's config is regenerated only when the target has the command, so that no
 * maintainer script fails on a machine without GRUB.
 */
final class DisablePlanner implements Planner {
    private final boolean fromPackage;
    private final boolean rebuildInitrd;

    /**
     * @param fromPackage run by the package's prerm (see above)
     * @param rebuildInitrd false: no boot chain at all (the rollback of a failed {@code enable})
     */
    DisablePlanner(boolean fromPackage, boolean rebuildInitrd) {
        this.fromPackage = fromPackage;
        this.rebuildInitrd = rebuildInitrd;
    }

    @Override
    public Plan plan(Target target, Optional<Manifest> installed, boolean force) {
        if (installed.isEmpty()) {
            target.checkNotLiveOverlay();
            return Plan.nothing(target, "overlayboot is not enabled in " + target.show("") + "; nothing to do.");
        }
        if (!installed.get().packaged()) {
            throw OverlaybootException.environment("overlayboot was set up in " + target.show("") + " by 'overlayboot install'"
                    + " (" + target.show(Manifest.PATH) + "), not by 'enable'", "run 'overlayboot uninstall' to take it out");
        }
        Plan p = new UninstallPlanner().plan(target, installed, force);
        List<Notice> notices = new ArrayList<>(p.notices());
        List<List<String>> commands = new ArrayList<>();
        List<String> grub = target.grubCommand();
        for (List<String> c : p.bootChain()) {
            boolean isGrub = c.equals(grub);
            if (!isGrub && (fromPackage || !rebuildInitrd)) {
                continue;
            }
            if (isGrub && !rebuildInitrd) {
                continue;
            }
            if (isGrub && fromPackage && !hasTool(target, c.getFirst())) {
                notices.add(Notice.note(target.show("") + " has no " + c.getFirst() + ": GRUB's menu is not regenerated"));
                continue;
            }
            commands.add(c);
        }
        String done = "overlayboot is disabled in " + target.show("") + "; the next boot is a plain one"
                + (fromPackage ? " (the initrds are rebuilt by initramfs-tools' trigger)." : ".");
        return new Plan(target, "Disable overlayboot", p.unchanged(), notices, p.changes(), commands, p.records(),
                new Closing(p.closing().notes(), done, p.closing().lost()));
    }

    private static boolean hasTool(Target target, String name) {
        for (String dir : new String[] {"usr/sbin", "usr/bin", "sbin", "bin"}) {
            if (Files.isExecutable(target.resolve(dir).resolve(name))) {
                return true;
            }
        }
        return false;
    }
}

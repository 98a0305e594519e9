package io.overlayboot.maintain;

import io.overlayboot.core.OverlaybootException;
import io.overlayboot.files.ProcMounts;
import java.util.Optional;

/**
 * Whether a maintenance session makes sense here: {@code /} must be a union (overlay or aufs, as
 * {@code status} decides it, from the mount table) with the lower layer mounted at {@code /ro}.
 */
final class Protection {
    private Protection() {}

    /** Refuses with {@link io.overlayboot.core.ExitCode#ENVIRONMENT} when the root is not protected. */
    static void require(Layout layout) {
        ProcMounts table = layout.mounts();
        Optional<ProcMounts.Mount> root = table.at(layout.root().toString());
        String type = root.map(ProcMounts.Mount::type).orElse("not a mount of its own");
        if (!type.equals("overlay") && !type.equals("aufs")) {
            throw OverlaybootException.environment(layout.root() + " is not protected (" + type
                    + "): changes there are permanent already, so no maintenance session is needed",
                    "run the command directly, e.g. apt-get upgrade");
        }
        if (!table.isMountPoint(layout.lower().toString())) {
            throw OverlaybootException.environment("The lower layer " + layout.show(layout.lower()) + " is not mounted ("
                    + layout.mountTable() + " has no mount there)", "is / protected by overlayboot? 'overlayboot status' tells");
        }
    }
}

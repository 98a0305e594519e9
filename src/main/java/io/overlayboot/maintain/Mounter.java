package io.overlayboot.maintain;

import io.overlayboot.core.ExitCode;
import io.overlayboot.core.OverlaybootException;
import io.overlayboot.sys.Exec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** The bind and unmount calls of a session, each checked (remounting the lower is {@link io.overlayboot.files.LowerRemount}'s). */
final class Mounter {
    private static final Duration LIMIT = Duration.ofMinutes(2);

    private Mounter() {}

    /** Binds {@code source} (with what is mounted below it when {@code recursive}) at {@code point}, as a slave. */
    static void bind(Path source, Path point, boolean recursive) {
        Exec.Result r = mount(recursive ? "--rbind" : "--bind", source.toString(), point.toString());
        if (r.ok()) {
            // Mounts made inside must not propagate back to the running system's tree.
            r = mount("--make-rslave", point.toString());
        }
        if (!r.ok()) {
            throw new OverlaybootException(ExitCode.EXTERNAL_FAILURE, "Cannot bind " + source + " at " + point + ": "
                    + r.stderr().strip(), null);
        }
    }

    /**
     * Unmounts {@code point} and everything below it. When it is busy, detaches it lazily (the
     * kernel frees it when its last user goes) and returns false.
     */
    static boolean unmount(Path point) {
        Exec.Result r = Exec.run(List.of("umount", "-R", point.toString()), LIMIT);
        if (r.ok()) {
            return true;
        }
        Exec.Result lazy = Exec.run(List.of("umount", "-R", "-l", point.toString()), LIMIT);
        if (!lazy.ok()) {
            throw new OverlaybootException(ExitCode.EXTERNAL_FAILURE, "Cannot unmount " + point + ": " + r.stderr().strip()
                    + "; " + lazy.stderr().strip(), "see what uses it: fuser -vm " + point);
        }
        return false;
    }

    private static Exec.Result mount(String... args) {
        List<String> argv = new java.util.ArrayList<>(List.of("mount"));
        argv.addAll(List.of(args));
        return Exec.run(argv, LIMIT);
    }
}

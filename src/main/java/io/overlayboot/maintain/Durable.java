package io.overlayboot.maintain;

import io.overlayboot.core.ExitCode;
import io.overlayboot.core.OverlaybootException;
import io.overlayboot.files.RootedPaths;
import io.overlayboot.install.BootChainOutcome;
import io.overlayboot.install.GrubUpdate;
import io.overlayboot.install.Log;
import io.overlayboot.install.Target;
import io.overlayboot.sys.Exec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Where a change that must survive reboots is made: on a protected running machine the lower
 * layer, through a maintenance {@link Session} (the RAM layer would lose it at reboot); otherwise
 * the tree itself ({@code /} of an unprotected machine, or a target under {@code --root}).
 * Files are written below {@link #root()} through {@link RootedPaths}; {@link #updateGrub} runs
 * the boot loader's command inside. Closing ends the session, if one was opened.
 */
public final class Durable implements AutoCloseable {
    private static final Duration LIMIT = Duration.ofMinutes(30);
    private final Target target;
    private final Session session;
    private final Layout layout;

    private Durable(Target target, Session session, Layout layout) {
        this.target = target;
        this.session = session;
        this.layout = layout;
    }

    /**
     * The place for {@code root} (the running system's {@code /}, or a tree), as {@code mounts}
     * describes it: a session into {@code ROOT/ro} when {@code root} is a protected union; the tree
     * when it is not a union. A union without a lower at {@code /ro} (another tool's) is refused:
     * what is written there vanishes at reboot.
     */
    public static Durable open(Path root, Path mounts, Consumer<String> note) {
        Layout layout = Layout.of(root, mounts);
        io.overlayboot.files.ProcMounts table = layout.mounts();
        String type = table.at(layout.root().toString()).map(io.overlayboot.files.ProcMounts.Mount::type).orElse("");
        boolean union = type.equals("overlay") || type.equals("aufs");
        if (union && table.isMountPoint(layout.lower().toString())) {
            Session session = Session.open(layout, note);
            return new Durable(Target.at(layout.lower()), session, layout);
        }
        if (union && layout.root().getNameCount() == 0) {
            throw OverlaybootException.environment("/ is an " + type + " union without a lower layer at /ro: what is written now"
                    + " vanishes at reboot", "boot once with overlayboot=disabled (or the other tool switched off), then run this again");
        }
        return new Durable(Target.at(layout.root()), null, layout);
    }

    /**
     * The place for reading only: where {@link #open} would write, without opening a session (on
     * a protected machine the union shows the lower's files anyway).
     */
    public static Durable tree(Path root) {
        Layout layout = Layout.of(root, Path.of("/proc/self/mounts"));
        return new Durable(Target.at(layout.root()), null, layout);
    }

    /**
     * Refuses ({@link ExitCode#ENVIRONMENT}) to go on unless this process runs as root: {@code what}
     * changes the boot loader or the lower layer.
     */
    public static void requireRoot(String what) {
        Object uid;
        try {
            uid = java.nio.file.Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        } catch (java.io.IOException | UnsupportedOperationException e) {
            uid = -1;
        }
        if (!Integer.valueOf(0).equals(uid)) {
            throw OverlaybootException.environment("'overlayboot " + what + "' changes the boot loader and runs only as root",
                    "run it with sudo");
        }
    }

    /** The directory changes are written below: the lower layer during a session, else the tree. */
    public Path root() {
        return target.root();
    }

    /** The target this place writes, for the install package's tools. */
    public Target target() {
        return target;
    }

    /** True when this is a session into the lower layer of a protected machine. */
    public boolean inSession() {
        return session != null;
    }

    /** True when this is the running system ({@code --root /}), protected or not, rather than a tree. */
    public boolean running() {
        return layout.root().getNameCount() == 0;
    }

    /** {@code relative} below {@link #root()}, through {@link RootedPaths}. */
    public Path resolve(String relative) {
        return RootedPaths.resolve(root(), relative);
    }

    /** How to name {@code relative} to the user: {@code /ro/etc/x} in a session, else as {@link Target#show}. */
    public String show(String relative) {
        return session != null ? layout.show(layout.lower().resolve(relative)) : target.show(relative);
    }

    /**
     * {@code argv} as run inside: chrooted into the lower (with the session's {@code /proc} and
     * {@code /dev}) or into the tree; as it is on the live system.
     */
    public List<String> inside(List<String> argv) {
        if (session == null && target.live()) {
            return List.copyOf(argv);
        }
        List<String> all = new java.util.ArrayList<>(List.of("chroot", root().toString()));
        all.addAll(argv);
        return all;
    }

    /** True when {@code name} is an executable of the place's {@code /usr/sbin}, {@code /usr/bin}, {@code /sbin} or {@code /bin}. */
    public boolean hasTool(String name) {
        for (String dir : List.of("usr/sbin", "usr/bin", "sbin", "bin")) {
            if (java.nio.file.Files.isExecutable(resolve(dir + "/" + name))) {
                return true;
            }
        }
        return false;
    }

    /** Regenerates grub.cfg inside: in the session, or through install's boot chain (printed when it cannot run). */
    public BootChainOutcome updateGrub(Log log) {
        if (session == null) {
            return GrubUpdate.run(target, log);
        }
        List<String> command = GrubUpdate.command(target);
        String shown = String.join(" ", command);
        log.note("running inside " + layout.show(layout.lower()) + ": " + shown);
        StringBuilder output = new StringBuilder();
        Exec.Result r = session.run(command, Map.of("LC_ALL", "C.UTF-8"), LIMIT, line -> output.append(line).append('\n'));
        if (!r.ok()) {
            throw new OverlaybootException(ExitCode.EXTERNAL_FAILURE, "'" + shown + "' inside " + layout.show(layout.lower())
                    + " failed with exit code " + r.exitCode() + ": " + output.toString().strip().replace('\n', ' '),
                    "fix the cause and run '" + shown + "' in 'overlayboot maintenance'; the files are in place");
        }
        return BootChainOutcome.RAN;
    }

    @Override
    public void close() {
        if (session != null) {
            session.close();
        }
    }
}

package io.overlayboot.maintain;

import io.overlayboot.core.ExitCode;
import io.overlayboot.core.OverlaybootException;
import io.overlayboot.files.LowerRemount;
import io.overlayboot.files.ProcMounts;
import io.overlayboot.files.RootedPaths;
import io.overlayboot.files.RunLock;
import io.overlayboot.sys.Exec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * A maintenance session on a protected machine: the lower layer ({@code /ro}) remounted
 * read-write, {@code /proc}, {@code /sys}, {@code /dev}, {@code /run} (and {@code /boot},
 * {@code /boot/efi} when they are mounts of their own) bound into it, and commands run chrooted
 * there. {@link #close()} undoes every step, newest first, and leaves the lower read-only.
 *
 * <p>One session at a time: a {@link RunLock} on the lower. Each step is written to the
 * {@link SessionRecord} before it is taken, so when a session is killed outright the next one (or
 * {@code maintenance --cleanup}) undoes what it left, refusing while a process still runs inside.
 * While a session is open, SIGTERM and SIGHUP end its commands instead of the JVM ({@link Signals}).
 */
public final class Session implements AutoCloseable {
    /** Environment every command inside gets; {@code OVERLAYBOOT_MAINTENANCE} tells scripts where they are. */
    static final Map<String, String> ENV = Map.of("OVERLAYBOOT_MAINTENANCE", "1",
            "PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");

    private final Layout layout;
    private final Consumer<String> note;
    private final RunLock lock;
    private final Signals signals;
    private SessionRecord record;
    private boolean closed;
    /** False until this session may write (and so undo) the record: an earlier one's is not ours to delete. */
    private boolean started = true;

    private Session(Layout layout, Consumer<String> note, RunLock lock, Signals signals) {
        this.layout = layout;
        this.note = note;
        this.lock = lock;
        this.signals = signals;
        this.record = SessionRecord.start(ProcessHandle.current());
    }

    /**
     * Opens a session: refuses an unprotected root ({@link ExitCode#ENVIRONMENT}) and a second
     * session ({@link ExitCode#ABORTED}), cleans up after a killed one, then remounts and binds.
     * {@code note} hears what is done for the user (on stderr: stdout is the command's).
     */
    public static Session open(Layout layout, Consumer<String> note) {
        Protection.require(layout);
        RunLock lock = lock(layout);
        Signals signals = Signals.install();
        Session session = new Session(layout, note, lock, signals);
        try {
            cleanUpAfterEarlier(layout, note);
        } catch (RuntimeException e) {
            session.started = false; // the earlier session's record stays for the next try
            session.closeQuietly(e);
            throw e;
        }
        try {
            session.setUp();
            return session;
        } catch (RuntimeException e) {
            session.closeQuietly(e);
            throw e;
        }
    }

    /**
     * Only cleans up after an earlier session that was killed; returns false when there was
     * nothing to clean.
     */
    public static boolean cleanup(Layout layout, Consumer<String> note) {
        Protection.require(layout);
        try (RunLock lock = lock(layout); Signals signals = Signals.install()) {
            return cleanUpAfterEarlier(layout, note);
        } catch (IOException e) {
            throw OverlaybootException.environment("Cannot release the lock of the maintenance session: " + e.getMessage(), null);
        }
    }

    /** The lower layer, where commands run. */
    public Path lower() {
        return layout.lower();
    }

    /** The first SIGTERM or SIGHUP that came during the session, or null. */
    public String signal() {
        return signals.received();
    }

    /** The exit status of a shell killed by {@link #signal()}, or -1. */
    public int signalStatus() {
        return signals.exitStatus();
    }

    /** Runs {@code argv} inside, attached to the terminal; returns its exit status. */
    public int attached(List<String> argv) {
        Process p = Exec.command(chrooted(argv), Duration.ZERO).env(ENV).startAttached();
        record = record.withChild(p.toHandle());
        writeRecord();
        while (true) {
            try {
                return p.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                p.destroy();
            }
        }
    }

    /** Runs {@code argv} inside with its output merged and streamed, line by line. */
    public Exec.Result run(List<String> argv, Map<String, String> env, Duration limit, Consumer<String> eachLine) {
        java.util.Map<String, String> all = new java.util.LinkedHashMap<>(ENV);
        all.putAll(env);
        return Exec.command(chrooted(argv), limit).env(all).stream(eachLine);
    }

    /** The shell to start: {@code $SHELL} when the lower has it, else {@code /bin/sh}. */
    public String shell(String wanted) {
        if (wanted != null && wanted.startsWith("/") && !wanted.contains("..")
                && Files.isExecutable(RootedPaths.resolve(layout.lower(), wanted.substring(1)))) {
            return wanted;
        }
        return "/bin/sh";
    }

    private List<String> chrooted(List<String> argv) {
        List<String> all = new ArrayList<>(List.of("chroot", layout.lower().toString()));
        all.addAll(argv);
        return all;
    }

    private void setUp() {
        Path lower = layout.lower();
        // Only /ro's own mount flag, when that makes it writable: with persist= its filesystem is
        // writable already, under the persisted paths' binds (LowerRemount says why).
        record = record.withRemount(lower.toString());
        writeRecord();
        LowerRemount.mountWritable(lower);
        if (LowerRemount.readOnlyNow(lower, layout.mountTable())) {
            record = record.withSuperblock(lower.toString());
            writeRecord();
            LowerRemount.superblockWritable(lower);
        }
        ProcMounts table = layout.mounts();
        for (String dir : Layout.ALWAYS) {
            bind(dir, true);
        }
        for (String dir : Layout.WHEN_SEPARATE) {
            if (table.isMountPoint(layout.root().resolve(dir).toString())) {
                bind(dir, false);
            }
        }
    }

    private void bind(String dir, boolean recursive) {
        Path source = layout.root().resolve(dir);
        Path point = RootedPaths.resolve(layout.lower(), dir);
        if (!Files.isDirectory(point, LinkOption.NOFOLLOW_LINKS)) {
            note.accept("not binding " + layout.show(source) + ": " + layout.show(point)
                    + " is not a directory on the lower layer, so it is not available inside");
            return;
        }
        record = record.withMount(point.toString());
        writeRecord();
        Mounter.bind(source, point, recursive);
    }

    private void writeRecord() {
        try {
            record.write(layout.record());
        } catch (IOException e) {
            throw OverlaybootException.environment("Cannot write the session record " + layout.record() + ": " + e.getMessage(),
                    "is /run mounted and writable?");
        }
    }

    /** Undoes every step, newest first; the lower is read-only afterwards, or this says why not. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (started) {
                undo(layout, record, note);
            }
        } finally {
            signals.close();
            try {
                lock.close();
            } catch (IOException e) {
                note.accept("cannot release the lock: " + e.getMessage());
            }
        }
    }

    private void closeQuietly(RuntimeException cause) {
        try {
            close();
        } catch (RuntimeException e) {
            cause.addSuppressed(e);
            note.accept(e.getMessage());
        }
    }

    private static RunLock lock(Layout layout) {
        try {
            Path file = RunLock.lockFileFor(layout.lockDir(), layout.lower());
            return RunLock.acquire(file, Duration.ZERO, holder -> { })
                    .orElseThrow(() -> new OverlaybootException(ExitCode.ABORTED, "Another maintenance session ("
                            + RunLock.holder(file) + ") is open on " + layout.show(layout.lower()),
                            "finish it first (exit its shell); one session at a time"));
        } catch (IOException e) {
            throw OverlaybootException.environment("Cannot take the maintenance lock in " + layout.lockDir() + ": " + e.getMessage(),
                    "run as root");
        }
    }

    /** Undoes what a killed session left, when its record is there; true when there was one. */
    private static boolean cleanUpAfterEarlier(Layout layout, Consumer<String> note) {
        Optional<SessionRecord> earlier;
        try {
            earlier = SessionRecord.read(layout.record());
        } catch (IOException e) {
            throw OverlaybootException.environment("Cannot read the session record " + layout.record() + ": " + e.getMessage(), null);
        }
        if (earlier.isEmpty()) {
            return false;
        }
        SessionRecord r = earlier.get();
        List<Long> inside = Insiders.of(layout.lower());
        if (!inside.isEmpty()) {
            throw new OverlaybootException(ExitCode.ABORTED, "An earlier maintenance session (pid " + r.owner().pid()
                    + ") ended without cleaning up, and processes still run inside " + layout.show(layout.lower()) + ": "
                    + inside.stream().map(String::valueOf).reduce((a, b) -> a + " " + b).orElse(""),
                    "end them (kill " + inside.getFirst() + "), then run 'overlayboot maintenance --cleanup'");
        }
        note.accept("cleaning up after an earlier maintenance session (pid " + r.owner().pid() + ") that did not finish");
        undo(layout, r, note);
        return true;
    }

    /**
     * Undoes {@code r}: unmounts its mounts newest first, makes the lower read-only again (its
     * filesystem only when the session made that writable), deletes the record.
     */
    static void undo(Layout layout, SessionRecord r, Consumer<String> note) {
        List<String> mounts = new ArrayList<>(r.mounts());
        java.util.Collections.reverse(mounts);
        List<String> lazy = new ArrayList<>();
        RuntimeException failure = null;
        for (String m : mounts) {
            if (!layout.mounts().isMountPoint(m)) {
                continue;
            }
            try {
                if (!Mounter.unmount(Path.of(m))) {
                    lazy.add(layout.show(Path.of(m)));
                }
            } catch (RuntimeException e) {
                failure = failure == null ? e : failure;
            }
        }
        if (!lazy.isEmpty()) {
            note.accept("busy, detached lazily (gone once its last user ends): " + String.join(" ", lazy));
        }
        Optional<String> remounted = r.superblock().or(r::remounted);
        if (remounted.isPresent()) {
            Path lower = Path.of(remounted.get());
            Optional<ProcMounts.Mount> mount = layout.mounts().at(lower.toString());
            if (mount.isPresent() && !mount.get().readOnly()) {
                try {
                    // the filesystem goes back to read-only only when the session made it writable
                    LowerRemount.readOnly(lower, r.superblock().isPresent() ? LowerRemount.Change.SUPERBLOCK : LowerRemount.Change.MOUNT,
                            note);
                } catch (RuntimeException e) {
                    failure = failure == null ? e : failure;
                }
            }
        }
        if (failure != null) {
            throw failure; // the record stays, for the next run to finish the job
        }
        try {
            Files.deleteIfExists(layout.record());
        } catch (IOException e) {
            note.accept("cannot delete the session record " + layout.record() + ": " + e.getMessage());
        }
    }
}

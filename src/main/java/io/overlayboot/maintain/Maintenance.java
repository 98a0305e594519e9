package io.overlayboot.maintain;

import java.util.List;
import java.util.function.Consumer;

/**
 * {@code overlayboot maintenance}: a shell, or one command, chrooted into the lower layer for the
 * length of a {@link Session}. The exit status is the command's (as for {@code chroot} and
 * {@code sudo}); 143 or 129 when SIGTERM or SIGHUP ended the session.
 */
public final class Maintenance {
    private Maintenance() {}

    /**
     * Runs {@code command} (empty: the shell {@code $SHELL}, else {@code /bin/sh}) inside a session
     * and returns its exit status, after every mount the session made is gone.
     */
    public static int run(Layout layout, List<String> command, String shellVariable, Consumer<String> note) {
        int status;
        int signalStatus;
        try (Session session = Session.open(layout, note)) {
            List<String> argv = command.isEmpty() ? List.of(session.shell(shellVariable)) : command;
            note.accept(layout.show(layout.lower()) + " is read-write until " + (command.isEmpty() ? "this shell exits" : "the command ends")
                    + "; what changes there survives reboots");
            status = session.attached(argv);
            signalStatus = session.signalStatus();
        }
        note.accept("done: " + layout.show(layout.lower()) + " is read-only again and every mount of the session is gone");
        return signalStatus >= 0 ? signalStatus : status;
    }
}

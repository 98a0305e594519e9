package io.overlayboot.helper;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The helper's console lines, all starting with {@code overlayboot: } like the boot script's;
 * warnings and failures also go to {@code /dev/kmsg} so they stay in the kernel log after boot.
 */
final class Console {
    static final String PREFIX = "overlayboot: ";
    private final PrintStream out;
    private final Path kmsg;
    private final boolean debug;

    Console(PrintStream out, Path kmsg, boolean debug) {
        this.out = out;
        this.kmsg = kmsg;
        this.debug = debug;
    }

    void info(String message) {
        out.println(PREFIX + message);
        out.flush();
    }

    void warn(String message) {
        info(message);
        toKmsg("<4>", message);
    }

    void error(String message) {
        info(message);
        toKmsg("<3>", message);
    }

    /** A line shown only with {@code debug=1}. */
    void debug(String message) {
        if (debug) {
            info(message);
        }
    }

    private void toKmsg(String level, String message) {
        if (kmsg == null || !Files.isWritable(kmsg)) {
            return;
        }
        try {
            Files.write(kmsg, (level + PREFIX + message + "\n").getBytes(StandardCharsets.UTF_8),
                    StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        } catch (IOException | RuntimeException e) {
            // the console line was printed; the kernel log is a bonus
        }
    }
}

package io.overlayboot.helper;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The helper's console lines, as the boot script's {@code ob_log}: every line starts with
 * {@code overlayboot: } and also goes to the kernel log ({@code /dev/kmsg}) at its syslog level
 * (3 error, 4 warning, 5 notice), so the outcome is in dmesg and the journal after boot.
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

    /** A console line and a kernel log entry at {@code level}. */
    void log(int level, String message) {
        out.println(PREFIX + message);
        out.flush();
        if (kmsg == null || !Files.isWritable(kmsg)) {
            return;
        }
        try {
            Files.write(kmsg, ("<" + level + ">" + PREFIX + message + "\n").getBytes(StandardCharsets.UTF_8),
                    StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        } catch (IOException | RuntimeException e) {
            // the console line was printed; the kernel log is a bonus
        }
    }

    /** A notice (level 5). */
    void say(String message) {
        log(5, message);
    }

    /** An error detail on the console only, such as the errno of a failed call. */
    void error(String message) {
        out.println(PREFIX + message);
        out.flush();
    }

    /** A line shown only with {@code debug=1}. */
    void debug(String message) {
        if (debug) {
            out.println(PREFIX + "debug: " + message);
            out.flush();
        }
    }
}

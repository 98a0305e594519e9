package io.overlayboot.install;

import java.io.PrintWriter;

/**
 * Where install, uninstall and configure speak: results and diffs on stdout, progress, notes and
 * the output of the commands they run on stderr.
 */
public record Reporter(PrintWriter out, PrintWriter err, boolean quiet) {
    void line(String text) {
        if (!quiet) {
            out.println(text);
        }
    }

    void note(String text) {
        err.println("overlayboot: " + text);
    }

    void warn(String text) {
        err.println("overlayboot: warning: " + text);
    }

    void progress(String text) {
        err.println("overlayboot: " + text);
        err.flush();
    }

    void commandOutput(String output) {
        if (!output.isEmpty()) {
            err.print(output.endsWith("\n") ? output : output + "\n");
            err.flush();
        }
    }
}

package io.overlayboot.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/** Test support: runs the CLI in-process through {@link Main#run} and keeps what it printed. */
public final class Cli {
    /** One run: exit code, stdout and stderr. */
    public record Run(int code, String out, String err) {}

    private Cli() {}

    public static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Run(code, out.toString(), err.toString());
    }
}

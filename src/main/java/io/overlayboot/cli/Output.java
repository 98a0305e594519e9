package io.overlayboot.cli;

import io.overlayboot.core.Json;
import java.io.PrintWriter;

/** Where a command speaks: results on stdout, warnings on stderr, each prefixed consistently. */
public record Output(PrintWriter out, PrintWriter err) {
    public void line(String text) {
        out.println(text);
    }

    public void warn(String text) {
        err.println("overlayboot: warning: " + text);
    }

    public void json(Object value) {
        out.println(Json.write(value));
    }
}

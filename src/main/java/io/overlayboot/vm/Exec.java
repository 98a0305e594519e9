package io.overlayboot.vm;

import io.overlayboot.core.ExitCode;
import io.overlayboot.core.OverlaybootException;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/** Runs an external program with its output captured line by line and a hard time limit. */
final class Exec {
    /** What a finished program left: its exit code (-1 when killed for the time limit) and output. */
    record Result(int exitCode, boolean timedOut, List<String> lines) {
        String tail(int n) {
            return String.join("\n", lines.subList(Math.max(0, lines.size() - n), lines.size()));
        }
    }

    private Exec() {}

    static Result run(List<String> command, Duration limit, Consumer<String> eachLine) {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        List<String> lines = new ArrayList<>();
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new OverlaybootException(ExitCode.ENVIRONMENT, "cannot start '" + command.getFirst() + "': "
                    + e.getMessage(), HostTools.INSTALL_HINT, e);
        }
        Thread reader = Thread.ofVirtual().start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    String clean = line.replace("\r", "");
                    synchronized (lines) {
                        lines.add(clean);
                    }
                    eachLine.accept(clean);
                }
            } catch (IOException ignored) {
                // the process went away; what was read is kept
            }
        });
        try {
            boolean done = p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS);
            if (!done) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                p.waitFor();
            }
            reader.join(Duration.ofSeconds(10));
            synchronized (lines) {
                return new Result(done ? p.exitValue() : -1, !done, List.copyOf(lines));
            }
        } catch (InterruptedException e) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new OverlaybootException(ExitCode.ABORTED, "interrupted while running '" + command.getFirst() + "'");
        }
    }

    /** Runs the program and insists on exit code 0. */
    static Result check(List<String> command, Duration limit, Consumer<String> eachLine) {
        Result r = run(command, limit, eachLine);
        if (r.exitCode() != 0) {
            String why = r.timedOut() ? "took longer than " + limit.toSeconds() + " s" : "exited with " + r.exitCode();
            throw new OverlaybootException(ExitCode.EXTERNAL_FAILURE, "'" + String.join(" ", command) + "' " + why
                    + ": " + r.tail(15), null);
        }
        return r;
    }

    static Result check(List<String> command, Duration limit) {
        return check(command, limit, line -> {});
    }
}

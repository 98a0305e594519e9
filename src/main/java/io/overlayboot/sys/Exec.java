package io.overlayboot.sys;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The one way overlayboot starts an external program (mkosi's {@code run.py}): every package
 * calls this, the boot helper included (the helper jar carries {@code io.overlayboot.sys}, which
 * is why this package uses the JDK only).
 *
 * <p>Two modes, one {@link Command}: {@link Command#run()} captures stdout and stderr apart and
 * feeds the optional stdin; {@link Command#stream(Consumer)} merges stderr into stdout and hands
 * each line to a callback as it comes (stdin is empty). Either way the program has a time limit:
 * past it the program and every process it started are killed ({@code SIGKILL}) and the result
 * says {@link Result#timedOut()}. A {@link Result} that is not wanted as it is becomes the one
 * error, {@link ExecException}, through {@link Result#check()}: its message names the command,
 * its exit status (or the time limit) and the tail of its output.
 *
 * <p>Why the JDK's {@link ProcessBuilder} and not zt-exec or commons-exec: what those add over it
 * (stream pumping, a watchdog, killing the tree) is the sixty lines below, and the helper, which
 * runs on a {@code java.base}-only runtime inside the initramfs, could not carry a library.
 */
public final class Exec {
    /** Lines of output an error message quotes. */
    static final int TAIL_LINES = 15;
    /** How long to wait for the output pipes after the program ended (a child may hold them open). */
    private static final Duration DRAIN = Duration.ofSeconds(10);

    private Exec() {}

    /** A command with no extra environment, our working directory and an empty stdin. */
    public static Command command(List<String> argv, Duration timeout) {
        return new Command(argv, Map.of(), null, null, timeout);
    }

    /** Runs {@code command}, capturing its output (the short form of {@link Command#run()}). */
    public static Result run(List<String> command, Duration timeout) {
        return command(command, timeout).run();
    }

    /**
     * Runs {@code command}; {@code env} entries are added to (not replacing) the environment,
     * {@code dir} is the working directory (null: ours), {@code stdin} is fed to it (null: empty).
     */
    public static Result run(List<String> command, Map<String, String> env, Path dir, byte[] stdin, Duration timeout) {
        return new Command(command, env, dir, stdin, timeout).run();
    }

    /** Runs {@code command} with its output merged and each line handed to {@code eachLine}. */
    public static Result stream(List<String> command, Duration timeout, Consumer<String> eachLine) {
        return command(command, timeout).stream(eachLine);
    }

    /**
     * What to run and how.
     *
     * @param argv the program and its arguments
     * @param env entries added to (not replacing) our environment
     * @param dir the working directory; null: ours
     * @param stdin bytes fed to the program in {@link #run()}; null: an empty stdin
     * @param timeout how long the program may run before its process tree is killed
     */
    public record Command(List<String> argv, Map<String, String> env, Path dir, byte[] stdin, Duration timeout) {
        public Command {
            argv = List.copyOf(argv);
            env = Map.copyOf(env);
            if (argv.isEmpty()) {
                throw new IllegalArgumentException("no program to run");
            }
        }

        public Command env(Map<String, String> more) {
            Map<String, String> all = new LinkedHashMap<>(env);
            all.putAll(more);
            return new Command(argv, all, dir, stdin, timeout);
        }

        public Command dir(Path directory) {
            return new Command(argv, env, directory, stdin, timeout);
        }

        public Command stdin(byte[] bytes) {
            return new Command(argv, env, dir, bytes, timeout);
        }

        /** Runs to the end (or the time limit) with stdout and stderr captured apart. */
        public Result run() {
            Process p = start(false);
            Reader out = Reader.start(p.getInputStream(), null);
            Reader err = Reader.start(p.getErrorStream(), null);
            Thread.ofVirtual().start(() -> feed(p.getOutputStream(), stdin));
            boolean timedOut = await(p);
            return new Result(argv, timeout, timedOut ? -1 : p.exitValue(), timedOut, out.text(), err.text());
        }

        /**
         * Runs to the end (or the time limit) with stderr merged into stdout; each line, without
         * its line end (and without carriage returns), goes to {@code eachLine} as it is read, on
         * a reader thread. The result's {@link Result#stdout()} is all the lines.
         */
        public Result stream(Consumer<String> eachLine) {
            Process p = start(true);
            Reader out = Reader.start(p.getInputStream(), eachLine);
            boolean timedOut = await(p);
            return new Result(argv, timeout, timedOut ? -1 : p.exitValue(), timedOut, out.text(), "");
        }

        /**
         * Starts the program attached to our terminal (stdin, stdout and stderr inherited), for an
         * interactive shell; the caller waits for it. The time limit does not apply: a person is at
         * the keyboard.
         */
        public Process startAttached() {
            ProcessBuilder pb = new ProcessBuilder(argv).inheritIO();
            pb.environment().putAll(env);
            if (dir != null) {
                pb.directory(dir.toFile());
            }
            try {
                return pb.start();
            } catch (IOException e) {
                throw new ExecException(ExecException.Reason.CANNOT_START, this, null,
                        "cannot run '" + argv.getFirst() + "': " + e.getMessage(), e);
            }
        }

        /** The command as one would type it (for messages). */
        public String shown() {
            return String.join(" ", argv);
        }

        private Process start(boolean merged) {
            ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(merged);
            pb.environment().putAll(env);
            if (dir != null) {
                pb.directory(dir.toFile());
            }
            if (merged) {
                pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            }
            try {
                return pb.start();
            } catch (IOException e) {
                throw new ExecException(ExecException.Reason.CANNOT_START, this, null,
                        "cannot run '" + argv.getFirst() + "': " + e.getMessage(), e);
            }
        }

        /** Waits for the end or the time limit; true when the limit killed it. */
        private boolean await(Process p) {
            try {
                if (p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    return false;
                }
                killTree(p);
                p.waitFor();
                return true;
            } catch (InterruptedException e) {
                killTree(p);
                Thread.currentThread().interrupt();
                throw new ExecException(ExecException.Reason.INTERRUPTED, this, null,
                        "interrupted while running '" + shown() + "'", e);
            }
        }

        /** Kills the program first, so a shell cannot report its children's deaths, then what it started. */
        private static void killTree(Process p) {
            List<ProcessHandle> started = p.descendants().toList();
            p.destroyForcibly();
            started.forEach(ProcessHandle::destroyForcibly);
        }

        private static void feed(OutputStream in, byte[] bytes) {
            try (in) {
                if (bytes != null) {
                    in.write(bytes);
                }
            } catch (IOException ignored) {
                // the program closed its stdin early; its output says what happened
            }
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Command c && argv.equals(c.argv) && env.equals(c.env)
                    && java.util.Objects.equals(dir, c.dir) && Arrays.equals(stdin, c.stdin) && timeout.equals(c.timeout);
        }

        @Override
        public int hashCode() {
            return java.util.Objects.hash(argv, env, dir, Arrays.hashCode(stdin), timeout);
        }

        @Override
        public String toString() {
            return "Command[" + shown() + ", timeout " + timeout + "]";
        }
    }

    /**
     * What a program did.
     *
     * @param command the program and its arguments
     * @param timeout the time limit it had
     * @param exitCode its exit status; -1 when it was killed for running past the limit
     * @param timedOut true when the time limit killed it
     * @param stdout what it printed on stdout (in streaming mode: everything, merged)
     * @param stderr what it printed on stderr (empty in streaming mode)
     */
    public record Result(List<String> command, Duration timeout, int exitCode, boolean timedOut, String stdout, String stderr) {
        public Result {
            command = List.copyOf(command);
        }

        public boolean ok() {
            return exitCode == 0 && !timedOut;
        }

        /** The lines of stdout, without line ends. */
        public List<String> lines() {
            return stdout.isEmpty() ? List.of() : stdout.lines().toList();
        }

        /** The last {@code n} lines of its output, stderr after stdout. */
        public String tail(int n) {
            List<String> all = new ArrayList<>(lines());
            if (!stderr.isEmpty()) {
                all.addAll(stderr.lines().toList());
            }
            return String.join("\n", all.subList(Math.max(0, all.size() - n), all.size()));
        }

        /** This result when the program exited 0; else the error naming the command, status and output. */
        public Result check() {
            if (ok()) {
                return this;
            }
            String why = timedOut ? "took longer than " + seconds(timeout) + " and was killed" : "exited with status " + exitCode;
            String tail = tail(TAIL_LINES).strip();
            throw new ExecException(timedOut ? ExecException.Reason.TIMED_OUT : ExecException.Reason.FAILED, null, this,
                    "'" + String.join(" ", command) + "' " + why + (tail.isEmpty() ? " and printed nothing" : ": " + tail),
                    null);
        }
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }

    /** Reads one pipe to its end on a virtual thread, keeping the bytes and passing on lines. */
    private static final class Reader {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private Thread thread;

        static Reader start(InputStream in, Consumer<String> eachLine) {
            Reader r = new Reader();
            r.thread = Thread.ofVirtual().start(() -> r.read(in, eachLine));
            return r;
        }

        private void read(InputStream in, Consumer<String> eachLine) {
            try (in) {
                if (eachLine == null) {
                    byte[] buf = new byte[8192];
                    for (int n; (n = in.read(buf)) > 0; ) {
                        synchronized (bytes) {
                            bytes.write(buf, 0, n);
                        }
                    }
                    return;
                }
                BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
                for (String line; (line = lines.readLine()) != null; ) {
                    String clean = line.replace("\r", "");
                    synchronized (bytes) {
                        bytes.writeBytes((clean + "\n").getBytes(StandardCharsets.UTF_8));
                    }
                    eachLine.accept(clean);
                }
            } catch (IOException ignored) {
                // the process went away; what was read is kept
            }
        }

        /** What was read, once the pipe closed or {@link #DRAIN} passed. */
        String text() {
            try {
                thread.join(DRAIN);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            synchronized (bytes) {
                return bytes.toString(StandardCharsets.UTF_8);
            }
        }
    }
}

package io.overlayboot.cli;

import io.overlayboot.core.ExitCode;
import io.overlayboot.core.Json;
import io.overlayboot.core.OverlaybootException;
import java.io.PrintWriter;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * What a command answers: its result on stdout, as text for people or as one JSON value for
 * {@code --json}, and its exit code. A {@link Subcommand} returns one; {@link Execution} renders it,
 * once, after the command returned, so no command branches on {@code --json} or prints JSON itself.
 *
 * <p>The JSON value is made of what {@link Json} writes (maps, lists, strings, numbers, booleans,
 * null); its schema is in {@code docs/json.md}, checked by {@code JsonSchemaTest}.
 */
interface Rendered {
    /** The result as text, for a person. */
    void text(PrintWriter out);

    /** The result as one JSON value, for {@code --json}. */
    Object json();

    /** The process's exit code ({@link ExitCode}, or a program's own status for {@code maintenance}). */
    default int exitCode() {
        return ExitCode.OK.code();
    }

    /** Prints the result, as JSON on one line or as text. */
    default void render(PrintWriter out, boolean json) {
        if (json) {
            out.println(Json.write(json()));
        } else {
            text(out);
        }
    }

    /**
     * An error to report after the result is printed ({@code try}: what the VMs did, then why that
     * was not as promised): one line on stderr and its exit code, as if the command had thrown it.
     */
    default Optional<OverlaybootException> failure() {
        return Optional.empty();
    }

    /** The same result with another exit code. */
    default Rendered exit(ExitCode code) {
        return exit(code.code());
    }

    /** The same result with another exit code. */
    default Rendered exit(int code) {
        return new Amended(this, code, failure());
    }

    /** The same result, then {@code error} reported (and its exit code returned). */
    default Rendered thenFail(OverlaybootException error) {
        return new Amended(this, error.exitCode().code(), Optional.of(error));
    }

    /** A result with its exit code or failure changed. */
    record Amended(Rendered result, int exitCode, Optional<OverlaybootException> failure) implements Rendered {
        @Override
        public void text(PrintWriter out) {
            result.text(out);
        }

        @Override
        public Object json() {
            return result.json();
        }

        @Override
        public void render(PrintWriter out, boolean json) {
            result.render(out, json);
        }
    }

    /** A result whose text is {@code text} and whose JSON is {@code json}, each computed only when asked. */
    static Rendered of(Consumer<PrintWriter> text, Supplier<Object> json) {
        return new Rendered() {
            @Override
            public void text(PrintWriter out) {
                text.accept(out);
            }

            @Override
            public Object json() {
                return json.get();
            }
        };
    }

    /** A result printed as these lines, or as {@code json}. */
    static Rendered lines(List<String> lines, Supplier<Object> json) {
        return of(out -> lines.forEach(out::println), json);
    }

    /** A result printed as these lines, of a command that has no {@code --json}. */
    static Rendered lines(List<String> lines) {
        return lines(lines, () -> {
            throw new UnsupportedOperationException("this command has no --json");
        });
    }

    /**
     * A result printed as these lines, with no JSON document: with {@code --json} stdout stays
     * empty. For what an install-like run did before it failed ({@link #thenFail}), which its JSON
     * schema has no place for (docs/json.md: a failed run prints no JSON).
     */
    static Rendered textOnly(List<String> lines) {
        return new Rendered() {
            @Override
            public void text(PrintWriter out) {
                lines.forEach(out::println);
            }

            @Override
            public Object json() {
                throw new UnsupportedOperationException("no JSON document for this result");
            }

            @Override
            public void render(PrintWriter out, boolean json) {
                if (!json) {
                    text(out);
                }
            }
        };
    }

    /**
     * A result the command already printed as it went, text or JSON (the listing of a 30 MB initrd,
     * a shell session): nothing more to print.
     */
    static Rendered printed() {
        return new Rendered() {
            @Override
            public void text(PrintWriter out) {}

            @Override
            public Object json() {
                throw new UnsupportedOperationException("printed as it went");
            }

            @Override
            public void render(PrintWriter out, boolean json) {}
        };
    }
}

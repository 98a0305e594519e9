package io.overlayboot.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.overlayboot.core.ExitCode;
import io.overlayboot.core.Json;
import io.overlayboot.core.OverlaybootException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The skeleton every command runs through: one place renders text or JSON, sets the exit code and reports a late error. */
class ExecutionTest {
    @Command(name = "fake")
    static final class Fake implements Subcommand {
        @Mixin
        private JsonOption json;

        @Option(names = "--fail")
        private boolean fail;

        @Option(names = "--streamed")
        private boolean streamed;

        @Override
        public Rendered run(Output out) {
            out.warn("careful");
            if (streamed) {
                out.line(out.json() ? "{\"streamed\":true}" : "streamed");
                return Rendered.printed().exit(ExitCode.CANNOT_TELL);
            }
            Rendered result = Rendered.lines(List.of("one", "two"), () -> Json.object("lines", 2)).exit(ExitCode.NOT_PROTECTED);
            return fail ? result.thenFail(new OverlaybootException(ExitCode.EXTERNAL_FAILURE, "it went wrong")) : result;
        }
    }

    /** A mixin that brings {@code --json} with it, as {@link TargetOptions} does. */
    static final class WithJson {
        @Mixin
        private JsonOption json;
    }

    /** Stops after doing part of its work, as install does when its boot chain fails. */
    @Command(name = "partly")
    static final class Partly implements Subcommand {
        @Mixin
        private WithJson options;

        @Override
        public Rendered run(Output out) {
            return Rendered.textOnly(List.of("done so far")).thenFail(new OverlaybootException(ExitCode.EXTERNAL_FAILURE, "stopped"));
        }
    }

    @Command(name = "old")
    static final class NotYetPorted implements Callable<Integer> {
        @Override
        public Integer call() {
            return 3;
        }
    }

    private record Run(int code, String out, String err) {}

    private static Run run(Object command, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cmd = new CommandLine(command);
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        cmd.setExecutionStrategy(Execution::execute);
        cmd.setExecutionExceptionHandler((ex, c, parseResult) -> {
            c.getErr().println("error: " + ex.getMessage());
            return ((OverlaybootException) ex).exitCode().code();
        });
        int code = cmd.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void theResultIsPrintedAsTextWithItsExitCode() {
        Run r = run(new Fake());
        assertThat(r.out()).isEqualTo("one\ntwo\n");
        assertThat(r.err()).isEqualTo("overlayboot: warning: careful\n");
        assertThat(r.code()).isEqualTo(ExitCode.NOT_PROTECTED.code());
    }

    @Test
    void withJsonTheSameResultIsOneJsonLine() {
        Run r = run(new Fake(), "--json");
        assertThat(r.out()).isEqualTo("{\"lines\":2}\n");
        assertThat(r.code()).isEqualTo(ExitCode.NOT_PROTECTED.code());
    }

    @Test
    void aFailureAfterTheResultIsReportedAfterItIsPrinted() {
        Run r = run(new Fake(), "--fail");
        assertThat(r.out()).isEqualTo("one\ntwo\n");
        assertThat(r.err()).endsWith("error: it went wrong\n");
        assertThat(r.code()).isEqualTo(ExitCode.EXTERNAL_FAILURE.code());
    }

    @Test
    void aResultPrintedAsItWentIsNotPrintedAgain() {
        assertThat(run(new Fake(), "--streamed")).isEqualTo(new Run(ExitCode.CANNOT_TELL.code(), "streamed\n",
                "overlayboot: warning: careful\n"));
        assertThat(run(new Fake(), "--streamed", "--json").out()).isEqualTo("{\"streamed\":true}\n");
    }

    @Test
    void aPartialResultIsPrintedAsTextThenTheErrorAndWithJsonThroughAnotherMixinNothing() {
        assertThat(run(new Partly())).isEqualTo(new Run(ExitCode.EXTERNAL_FAILURE.code(), "done so far\n", "error: stopped\n"));
        assertThat(run(new Partly(), "--json")).isEqualTo(new Run(ExitCode.EXTERNAL_FAILURE.code(), "", "error: stopped\n"));
    }

    @Test
    void aCommandNotYetPortedRunsAsPicocliRunsIt() {
        assertThat(run(new NotYetPorted()).code()).isEqualTo(3);
    }
}

package io.overlayboot.sys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The process runner, with real programs (sh, cat): both modes, the time limit, the one error. */
class ExecTest {
    private static final Duration LIMIT = Duration.ofSeconds(20);

    @Test
    void capturesStdoutAndStderrApart() {
        Exec.Result r = Exec.run(List.of("sh", "-c", "printf 'out\\n'; printf 'err\\n' >&2; exit 3"), LIMIT);

        assertThat(r.stdout()).isEqualTo("out\n");
        assertThat(r.stderr()).isEqualTo("err\n");
        assertThat(r.exitCode()).isEqualTo(3);
        assertThat(r.ok()).isFalse();
        assertThat(r.timedOut()).isFalse();
    }

    @Test
    void feedsStdinAndAddsToTheEnvironmentInTheGivenDirectory(@TempDir Path dir) {
        byte[] input = "line one\nline two\n".getBytes(StandardCharsets.UTF_8);

        Exec.Result r = Exec.command(List.of("sh", "-c", "cat; printf '%s %s' \"$OB_TEST\" \"$(pwd)\""), LIMIT)
                .env(Map.of("OB_TEST", "value")).dir(dir).stdin(input).run();

        assertThat(r.stdout()).isEqualTo("line one\nline two\nvalue " + dir);
        assertThat(r.ok()).isTrue();
    }

    @Test
    void aLargeStdinDoesNotDeadlockAgainstALargeOutput() {
        byte[] input = "x".repeat(4 << 20).getBytes(StandardCharsets.UTF_8);

        Exec.Result r = Exec.command(List.of("cat"), LIMIT).stdin(input).run();

        assertThat(r.stdout()).hasSize(4 << 20);
    }

    @Test
    void streamsMergedLinesToTheCallbackAsTheyCome() {
        List<String> seen = new ArrayList<>();

        Exec.Result r = Exec.stream(List.of("sh", "-c", "echo one; echo two >&2; printf 'three\\r\\n'"), LIMIT,
                seen::add);

        assertThat(seen).containsExactly("one", "two", "three");
        assertThat(r.lines()).containsExactly("one", "two", "three");
        assertThat(r.stderr()).isEmpty();
        assertThat(r.ok()).isTrue();
    }

    @Test
    void theTimeLimitKillsTheProgramAndEveryProcessItStarted(@TempDir Path dir) throws Exception {
        Path pidFile = dir.resolve("child.pid");
        long start = System.nanoTime();

        Exec.Result r = Exec.run(List.of("sh", "-c", "sleep 300 & echo $! > \"$0\"; wait", pidFile.toString()),
                Duration.ofMillis(500));

        assertThat(r.timedOut()).isTrue();
        assertThat(r.exitCode()).isEqualTo(-1);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(15));
        long child = Long.parseLong(Files.readString(pidFile).strip());
        assertThat(runningAfterAWhile(child)).as("the sleep child is still running").isFalse();
        assertThatThrownBy(r::check).isInstanceOfSatisfying(ExecException.class, e -> {
            assertThat(e.reason()).isEqualTo(ExecException.Reason.TIMED_OUT);
            assertThat(e.getMessage()).contains("sleep 300").contains("took longer than 500 ms");
        });
    }

    @Test
    void theTimeLimitAlsoHoldsInStreamingMode() {
        Exec.Result r = Exec.stream(List.of("sh", "-c", "echo started; sleep 300"), Duration.ofMillis(500), line -> {});

        assertThat(r.timedOut()).isTrue();
        assertThat(r.lines()).containsExactly("started");
    }

    @Test
    void theErrorNamesTheCommandItsStatusAndTheTailOfItsOutput() {
        Exec.Result r = Exec.run(List.of("sh", "-c", "i=1; while [ $i -le 40 ]; do echo \"line $i\"; i=$((i+1)); done;"
                + " echo 'what went wrong' >&2; exit 7"), LIMIT);

        assertThatThrownBy(r::check).isInstanceOfSatisfying(ExecException.class, e -> {
            assertThat(e.reason()).isEqualTo(ExecException.Reason.FAILED);
            assertThat(e.exitCode()).isEqualTo(7);
            assertThat(e.command()).first().isEqualTo("sh");
            assertThat(e.getMessage())
                    .startsWith("'sh -c i=1;")
                    .contains("exited with status 7")
                    .contains("line 27\n").contains("line 40\nwhat went wrong")
                    .doesNotContain("line 26\n");
            assertThat(e.result()).isSameAs(r);
        });
    }

    @Test
    void checkPassesASuccessThrough() {
        Exec.Result r = Exec.run(List.of("true"), LIMIT);

        assertThat(r.check()).isSameAs(r);
    }

    @Test
    void aProgramThatCannotStartIsTheSameError() {
        assertThatThrownBy(() -> Exec.run(List.of("/nonexistent/overlayboot-no-such-program"), LIMIT))
                .isInstanceOfSatisfying(ExecException.class, e -> {
                    assertThat(e.reason()).isEqualTo(ExecException.Reason.CANNOT_START);
                    assertThat(e.exitCode()).isEqualTo(-1);
                    assertThat(e.getMessage()).contains("/nonexistent/overlayboot-no-such-program");
                });
    }

    /** True when {@code pid} still runs after up to 5 s (a killed process not yet reaped, a zombie, does not). */
    private static boolean runningAfterAWhile(long pid) throws Exception {
        Path stat = Path.of("/proc", Long.toString(pid), "stat");
        for (int i = 0; i < 50; i++) {
            if (!Files.exists(stat)) {
                return false;
            }
            String text = Files.readString(stat);
            if (text.substring(text.lastIndexOf(')') + 2).startsWith("Z")) {
                return false;
            }
            Thread.sleep(100);
        }
        return true;
    }
}

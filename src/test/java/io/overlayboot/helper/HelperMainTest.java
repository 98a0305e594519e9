package io.overlayboot.helper;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HelperMainTest {
    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(Map<String, String> env, String... args) {
        return HelperMain.run(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), env, args);
    }

    @Test
    void badArgumentsAreUsageErrors() {
        assertThat(run(Map.of())).isEqualTo(HelperMain.USAGE);
        assertThat(run(Map.of(), "frobnicate", "--cmdline", "/dev/null")).isEqualTo(HelperMain.USAGE);
        assertThat(run(Map.of(), "plan", "--nope", "x")).isEqualTo(HelperMain.USAGE);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("overlayboot: unknown option or missing value: '--nope'");
    }

    @Test
    void planReadsTheFilesTheEnvironmentNames() throws Exception {
        Path cmdline = Files.writeString(dir.resolve("cmdline"), "aufs=tmpfs\nsecond line is ignored aufs=LABEL=x\n");
        Path conf = Files.writeString(dir.resolve("conf"), "size=10%\n");

        int exit = run(Map.of("OVERLAYBOOT_CMDLINE", cmdline.toString(), "OVERLAYBOOT_CONF", conf.toString(),
                "rootmnt", "/target"), "plan");

        assertThat(exit).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).startsWith("active=1\nmode=tmpfs\nsize=10%\n")
                .contains("step: move /target /ro\n").endsWith("step: move /overlayboot /target\n");
    }

    @Test
    void bootDoesNothingWhenNotAskedOrWhenTheShellIsChosen() throws Exception {
        Path conf = dir.resolve("absent.conf");
        Path quiet = Files.writeString(dir.resolve("quiet"), "quiet splash\n");
        Path shell = Files.writeString(dir.resolve("shell"), "overlayboot=tmpfs:helper=shell\n");

        assertThat(run(Map.of(), "boot", "--cmdline", quiet.toString(), "--config", conf.toString()))
                .isEqualTo(HelperMain.NOTHING_DONE);
        assertThat(run(Map.of(), "boot", "--cmdline", shell.toString(), "--config", conf.toString()))
                .isEqualTo(HelperMain.NOTHING_DONE);
        assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
    }
}

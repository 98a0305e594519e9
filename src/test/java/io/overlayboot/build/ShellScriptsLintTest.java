package io.overlayboot.build;

import static org.assertj.core.api.Assertions.assertThat;

import io.overlayboot.sys.Exec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The project's own shell (the sandbox, the e2e and packaging scripts, the benchmarks, the
 * wrappers, .ci/run) passes shellcheck, as the rendered boot shell does. Part of the build.
 */
class ShellScriptsLintTest {
    private static final List<String> SKIP = List.of("target", ".git", "templates", "node_modules");

    static List<Path> scripts() throws IOException {
        List<Path> found = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(Path.of("."))) {
            for (Path p : walk.filter(Files::isRegularFile).toList()) {
                Path rel = Path.of(".").relativize(p);
                if (rel.getNameCount() > 0 && SKIP.contains(rel.getName(0).toString())) {
                    continue;
                }
                if (p.toString().endsWith(".sh") || shebangIsShell(p)) {
                    found.add(rel);
                }
            }
        }
        return found;
    }

    private static boolean shebangIsShell(Path p) throws IOException {
        if (Files.size(p) < 3) {
            return false;
        }
        try (var in = Files.newInputStream(p)) {
            String head = new String(in.readNBytes(64), StandardCharsets.ISO_8859_1);
            String first = head.lines().findFirst().orElse("");
            return first.startsWith("#!") && first.matches("#!.*\\b(sh|bash|dash)\\b.*");
        }
    }

    @Test
    void everyScriptPassesShellcheck() throws IOException {
        List<Path> scripts = scripts();
        assertThat(scripts).contains(Path.of("initramfs/sandbox.sh"), Path.of(".ci/run"), Path.of("overlayboot"));
        List<String> cmd = new ArrayList<>(List.of("shellcheck", "-x", "-P", "SCRIPTDIR", "-f", "gcc"));
        scripts.forEach(s -> cmd.add(s.toString()));
        Exec.Result r = Exec.run(cmd, Duration.ofMinutes(2));
        assertThat(r.stdout() + r.stderr()).isEmpty();
        assertThat(r.exitCode()).isZero();
    }
}

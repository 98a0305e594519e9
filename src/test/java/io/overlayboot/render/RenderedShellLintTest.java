package io.overlayboot.render;

import static org.assertj.core.api.Assertions.assertThat;

import io.overlayboot.sys.Exec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every rendered shell file of every variant passes shellcheck and parses under busybox sh and dash
 * (the config files and systemd units are not shell).
 */
class RenderedShellLintTest {
    @TempDir
    Path work;

    static Stream<Map<String, String>> variants() {
        return Stream.of(
                Map.of(),
                Map.of("mode", "tmpfs", "size", "1G", "swap", "1", "recurse", "1"),
                Map.of("mode", "device", "dev", "LABEL=data", "dir", "layers/a", "fallback", "none"),
                Map.of("driver", "aufs", "onerror", "panic"),
                Map.of("driver", "overlay", "helper", "shell"),
                Map.of("helper", "jvm", "debug", "1"),
                Map.of("fill_interval", "0", "fill_warn", "50", "fill_critical", "60", "fill_action", "command"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("variants")
    void renderedShellIsClean(Map<String, String> chosen) throws IOException {
        RenderRequest request = RenderRequest.of(chosen, List.of(), true);
        // both layouts: the package's files carry their own guard against acting before 'enable'
        List<RenderedFile> files = new java.util.ArrayList<>(new Renderer().render(request));
        files.addAll(new Renderer().render(request, null, Layout.PACKAGE));
        for (RenderedFile f : files) {
            if (f.path().endsWith(".conf") || f.path().endsWith(".service") || f.path().endsWith(".timer")) {
                continue;
            }
            byte[] shell = f.path().startsWith("etc/apt/apt.conf.d/") // apt config: lint the command it runs
                    ? ("#!/bin/sh\n" + AptHookTest.commandOf(new String(f.content(), java.nio.charset.StandardCharsets.UTF_8)) + "\n")
                            .getBytes(java.nio.charset.StandardCharsets.UTF_8)
                    : f.content();
            Path file = Files.write(work.resolve(f.path().replace('/', '_')), shell);
            Exec.Result sc = Exec.run(List.of("shellcheck", "-s", "sh", "-S", "style", file.toString()), Duration.ofMinutes(1));
            assertThat(sc.stdout() + sc.stderr()).as("shellcheck %s", f.path()).isEmpty();
            assertThat(sc.exitCode()).isZero();
            for (List<String> parser : List.of(List.of("busybox", "sh", "-n"), List.of("/bin/dash", "-n"))) {
                List<String> cmd = new java.util.ArrayList<>(parser);
                cmd.add(file.toString());
                Exec.Result r = Exec.run(cmd, Duration.ofSeconds(20));
                assertThat(r.exitCode()).as("%s %s: %s", parser, f.path(), r.stderr()).isZero();
            }
        }
    }
}

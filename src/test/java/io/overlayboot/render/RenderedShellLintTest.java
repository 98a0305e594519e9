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
 * (the config files and systemd units are not shell). Each distinct content is checked once per class,
 * all of a variant's new files in one shellcheck run.
 */
class RenderedShellLintTest {
    /**
     * The SHA-256 of every file content linted so far in this class: most files (the boot library,
     * the hooks) are the same bytes in every variant, and the same bytes lint the same, so each is
     * linted and parsed once (shellcheck is the slowest process of the class).
     */
    private static final java.util.Set<String> linted = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private static byte[] sha256(byte[] content) {
        try {
            return java.security.MessageDigest.getInstance("SHA-256").digest(content);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

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
        List<String> toLint = new java.util.ArrayList<>();
        for (RenderedFile f : files) {
            if (f.path().endsWith(".conf") || f.path().endsWith(".service") || f.path().endsWith(".timer")) {
                continue;
            }
            byte[] shell = f.path().startsWith("etc/apt/apt.conf.d/") // apt config: lint the command it runs
                    ? ("#!/bin/sh\n" + AptHookTest.commandOf(new String(f.content(), java.nio.charset.StandardCharsets.UTF_8)) + "\n")
                            .getBytes(java.nio.charset.StandardCharsets.UTF_8)
                    : f.content();
            if (!linted.add(java.util.HexFormat.of().formatHex(sha256(shell)))) {
                continue; // the same bytes in an earlier variant or layout: linted and parsed there
            }
            // numbered: a path of one layout may be another's with other bytes
            Path file = Files.write(work.resolve(toLint.size() + "-" + f.path().replace('/', '_')), shell);
            toLint.add(file.toString());
            for (List<String> parser : List.of(List.of("busybox", "sh", "-n"), List.of("/bin/dash", "-n"))) {
                List<String> cmd = new java.util.ArrayList<>(parser);
                cmd.add(file.toString());
                Exec.Result r = Exec.run(cmd, Duration.ofSeconds(20));
                assertThat(r.exitCode()).as("%s %s: %s", parser, f.path(), r.stderr()).isZero();
            }
        }
        if (!toLint.isEmpty()) {
            // one shellcheck over all of them: its report names each file (N-, then the rendered path, '/' as '_')
            List<String> cmd = new java.util.ArrayList<>(List.of("shellcheck", "-s", "sh", "-S", "style"));
            cmd.addAll(toLint);
            Exec.Result sc = Exec.run(cmd, Duration.ofMinutes(2));
            assertThat(sc.stdout() + sc.stderr()).as("shellcheck of %s", toLint).isEmpty();
            assertThat(sc.exitCode()).isZero();
        }
    }
}

package io.overlayboot.render;

import io.overlayboot.sys.Exec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Test support: the rendered boot script and the library it sources, and running it in plan mode
 * under a chosen shell (with the library beside it, through the OVERLAYBOOT_FUNCTIONS test hook).
 */
public final class BootScript {
    /** The shells an initramfs may run it with. */
    public enum Shell {
        BUSYBOX("busybox", "sh"),
        DASH("/bin/dash"),
        KLIBC("/usr/lib/klibc/bin/sh");

        private final List<String> command;

        Shell(String... command) {
            this.command = List.of(command);
        }

        public List<String> command() {
            return command;
        }
    }

    private BootScript() {}

    public static String render(RenderRequest request) {
        return rendered(request, Renderer.INIT_BOTTOM);
    }

    /** The boot library the script sources. */
    public static String library(RenderRequest request) {
        return rendered(request, Renderer.LIBRARY);
    }

    private static String rendered(RenderRequest request, String path) {
        return new Renderer().render(request).stream().filter(f -> f.path().equals(path))
                .findFirst().orElseThrow().text();
    }

    /** Runs the script's plan mode; returns its output lines (stderr must be empty). */
    public static List<String> plan(Path script, Shell shell, String cmdline, String config, Path work) {
        try {
            Path cmdlineFile = Files.writeString(work.resolve("cmdline"), cmdline + "\n");
            Path conf = work.resolve("overlayboot.conf");
            Files.deleteIfExists(conf);
            if (config != null) {
                Files.writeString(conf, config);
            }
            List<String> cmd = new java.util.ArrayList<>(shell.command());
            cmd.add(script.toString());
            Exec.Result r = Exec.run(cmd, Map.of("OVERLAYBOOT_PLAN", "1", "OVERLAYBOOT_CMDLINE", cmdlineFile.toString(),
                    "OVERLAYBOOT_CONF", conf.toString(), "OVERLAYBOOT_FUNCTIONS", functions(script).toString(), "rootmnt", "/root", "LC_ALL", "C"), work, null, Duration.ofSeconds(20));
            if (r.exitCode() != 0 || !r.stderr().isEmpty()) {
                throw new AssertionError(shell + " plan failed, exit " + r.exitCode() + ": " + r.stderr() + r.stdout());
            }
            return Arrays.asList(r.stdout().split("\n"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The library beside a script written by {@link #write}. */
    public static Path functions(Path script) {
        return script.resolveSibling("overlayboot-functions");
    }

    /** Writes the script for {@code request} to {@code dir}, with its library beside it; returns the script. */
    public static Path write(Path dir, RenderRequest request) {
        try {
            Path p = dir.resolve("overlayboot");
            Files.writeString(p, render(request), StandardCharsets.UTF_8);
            Files.writeString(functions(p), library(request), StandardCharsets.UTF_8);
            p.toFile().setExecutable(true);
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

package io.overlayboot.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class ExtractCommandTest {
    @TempDir
    Path tmp;

    /**
     * Runs the CLI in a fresh JVM under {@code sh -c}, after {@code shellPrefix}: {@code exec}, or a command that
     * runs its arguments (e.g. a shell that mounts something first).
     */
    static Cli.Run java(Path dir, String shellPrefix, String... args) throws IOException, InterruptedException {
        StringBuilder cmd = new StringBuilder(shellPrefix);
        cmd.append(' ').append(quote(Path.of(System.getProperty("java.home"), "bin", "java").toString()))
                .append(" -cp ").append(quote(System.getProperty("java.class.path"))).append(" io.overlayboot.cli.Main");
        for (String a : args) {
            cmd.append(' ').append(quote(a));
        }
        Path errFile = Files.createTempFile(dir, "stderr", ".txt");
        Process p = new ProcessBuilder("sh", "-c", cmd.toString()).directory(dir.toFile())
                .redirectError(errFile.toFile()).start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        int code = p.waitFor();
        String err = Files.readString(errFile);
        Files.delete(errFile);
        return new Cli.Run(code, new String(out, StandardCharsets.UTF_8), err);
    }

    static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }

    @Test
    @Timeout(120)
    void aFullTargetIsAnEnvironmentErrorNotACorruptSegment() throws Exception {
        Path tree = Files.createDirectories(tmp.resolve("tree"));
        // incompressible data, more than the 256 KiB file system below holds
        Files.write(tree.resolve("big"), PackCommandTest.bytes(tmp, null, "head -c 1000000 /dev/urandom"));
        Path img = tmp.resolve("t.img");
        assertThat(Cli.run("pack", "--tree", tree.toString(), "--out", img.toString(), "--compress", "gzip").code()).isZero();
        Path dir = Files.createDirectories(tmp.resolve("small"));
        Cli.Run r = java(tmp, "unshare -m sh -c 'mount -t tmpfs -o size=256k none small && exec \"$0\" \"$@\"'",
                "extract", img.toString(), dir.resolve("x").toString());
        assertThat(r.code()).as(r.err()).isEqualTo(4);
        assertThat(r.err()).contains("No space left on device").doesNotContain("corrupt").doesNotContain("update-initramfs")
                .doesNotContain("Exception");
        assertThat(r.err().lines().toList()).hasSizeLessThanOrEqualTo(2);
    }

    @Test
    @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aFifoIsRefusedNotWaitedFor() throws IOException {
        Path fifo = tmp.resolve("fifo");
        PackCommandTest.sh(tmp, null, "mkfifo fifo");
        for (List<String> args : List.of(List.of("extract", fifo.toString(), tmp.resolve("x").toString()),
                List.of("inspect", fifo.toString()), List.of("pack", "--append-to", fifo.toString(), "--compress", "gzip"))) {
            Cli.Run r = Cli.run(args.toArray(String[]::new));
            assertThat(r.code()).as(args + ": " + r.err()).isEqualTo(3);
            assertThat(r.err()).contains("'" + fifo + "' is a fifo, not a regular file or block device");
        }
    }

    @Test
    void controlCharactersInNamesAreShownEscaped() throws IOException {
        byte[] a = io.overlayboot.initramfs.TestArchives.rawNames("evil\u001b[2J\nname");
        Path img = Files.write(tmp.resolve("e.img"), a);
        Cli.Run r = Cli.run("inspect", img.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(InspectCommandTest.entries(r.out())).containsExactly("evil\\x1b[2J\\nname");
        Cli.Run json = Cli.run("inspect", "--json", img.toString());
        assertThat(json.code()).isZero();
        assertThat(json.out()).doesNotContain("\u001b").containsIgnoringCase("evil\\u001b[2J\\n").hasLineCount(1);
    }
}

package io.overlayboot.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.overlayboot.core.ExitCode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code status} on inputs it cannot use: one line naming the file, its own exit code, no trace. */
class StatusCommandTest {
    @TempDir
    Path root;

    private Cli.Run status(Path mounts) {
        return Cli.run("status", "--root", root.toString(), "--mounts", mounts.toString());
    }

    private static void assertOneLineNaming(Cli.Run r, ExitCode code, Path file) {
        assertThat(r.code()).as(r.err()).isEqualTo(code.code());
        assertThat(r.err()).hasLineCount(1).contains(file.toString()).doesNotContain("Exception", "\tat ");
    }

    @Test
    void aMissingMountTableIsOneLine() {
        Path missing = root.resolve("no-such-mounts");
        assertOneLineNaming(status(missing), ExitCode.ENVIRONMENT, missing);
    }

    @Test
    void aDirectoryAsTheMountTableIsOneLine() throws Exception {
        Path dir = Files.createDirectories(root.resolve("mounts.d"));
        assertOneLineNaming(status(dir), ExitCode.ENVIRONMENT, dir);
    }

    @Test
    void randomBytesAsTheMountTableAreOneLine() throws Exception {
        byte[] junk = new byte[4096];
        new Random(9).nextBytes(junk);
        Path file = Files.write(root.resolve("junk"), junk);
        assertOneLineNaming(status(file), ExitCode.BAD_INPUT, file);
    }

    @Test
    void aStateRecordWithBytesThatAreNotUtf8IsReadAndShownEscaped() throws Exception {
        Files.createDirectories(root.resolve("run/overlayboot"));
        Files.write(root.resolve("run/overlayboot/state"), ("status=protected\nmessage=ok\nwarning=overlayboot: bad value '"
                + "\u00ff\u001b[2J' for size=\n").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        Path mounts = Files.writeString(root.resolve("mounts"), "overlayboot / overlay rw,lowerdir=/ro 0 0\n");
        Cli.Run r = status(mounts);
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("boot warning: overlayboot: bad value '\\xff\\x1b[2J' for size=")
                .doesNotContain("\u001b");
    }

    @Test
    void persistedPathsAreInForceWhenTheMountTableHasThem() throws Exception {
        Files.createDirectories(root.resolve("run/overlayboot"));
        Files.writeString(root.resolve("run/overlayboot/state"), "status=protected\nmessage=ok\npersisted=/srv/data\n"
                + "persisted=/var/gone\nvolatile=/home\n");
        Path mounts = Files.writeString(root.resolve("mounts"), "overlayboot / overlay rw,lowerdir=/ro 0 0\n"
                + "/dev/vdb1 /srv/data ext4 rw 0 0\n");
        Cli.Run r = status(mounts);
        assertThat(r.out()).as(r.err()).contains("persisted: /srv/data (in force: writes under it are kept)",
                "persisted: /var/gone (NOT in force", "volatile: /home (asked for");
    }
}

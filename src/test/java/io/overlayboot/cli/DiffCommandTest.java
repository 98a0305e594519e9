package io.overlayboot.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.overlayboot.files.Trees;
import io.overlayboot.sys.Exec;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code diff} over an upper layer with a directory it cannot read: a warning naming the directory,
 * and every other change still listed. Root reads every directory, so the command runs as nobody
 * ({@code setpriv}), with the classpath copied where nobody can read it.
 */
class DiffCommandTest {
    @Test
    void anUnreadableDirectoryIsAWarningNamingItAndTheRestIsListed() throws Exception {
        Path base = Files.createTempDirectory("overlayboot-diff", PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwxr-xr-x")));
        try {
            Path upper = Files.createDirectories(base.resolve("upper/etc"));
            Files.writeString(upper.resolve("added"), "new\n");
            Path secret = Files.createDirectories(base.resolve("upper/secret"));
            Files.writeString(secret.resolve("hidden"), "x\n");
            Files.createDirectories(base.resolve("lower/etc"));
            List<String> classpath = new ArrayList<>();
            int i = 0;
            for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
                Path copy = base.resolve("cp/" + i++ + (entry.endsWith(".jar") ? ".jar" : ""));
                Files.createDirectories(copy.getParent());
                Exec.run(List.of("cp", "-r", entry, copy.toString()), Duration.ofSeconds(60));
                classpath.add(copy.toString());
            }
            Exec.run(List.of("chmod", "-R", "a+rX", base.toString()), Duration.ofSeconds(30));
            Exec.run(List.of("chmod", "000", secret.toString()), Duration.ofSeconds(30));
            Exec.Result r = Exec.run(List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", String.join(":", classpath),
                    Main.class.getName(), "diff", "--upper", base.resolve("upper").toString(), "--lower",
                    base.resolve("lower").toString()), Duration.ofSeconds(60));
            assertThat(r.exitCode()).as(r.stderr()).isZero();
            assertThat(r.stdout()).contains("A /etc/added", "A /secret");
            assertThat(r.stderr()).hasLineCount(1).contains(secret.toString()).doesNotContain("Exception", "\tat ");
        } finally {
            Exec.run(List.of("chmod", "-R", "u+rwx", base.toString()), Duration.ofSeconds(30));
            Trees.delete(base);
        }
    }
}

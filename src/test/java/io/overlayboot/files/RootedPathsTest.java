package io.overlayboot.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.overlayboot.core.ExitCode;
import io.overlayboot.core.OverlaybootException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * <pre>
 * tmp/root/a/b/            real directories
 * tmp/root/in   -> a       stays inside
 * tmp/root/abs  -> ROOT/a  absolute, inside
 * tmp/root/out  -> ../outside
 * tmp/root/x/up1 -> ..,  x/upK -> up(K-1)/..   a chain that climbs out step by step
 * </pre>
 */
class RootedPathsTest {
    @TempDir
    Path tmp;

    private Path root() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("root/a/b")).getParent().getParent().toRealPath();
        Files.createDirectories(tmp.resolve("outside"));
        Files.createSymbolicLink(root.resolve("in"), Path.of("a"));
        Files.createSymbolicLink(root.resolve("abs"), root.resolve("a"));
        Files.createSymbolicLink(root.resolve("out"), Path.of("../outside"));
        Files.createDirectories(root.resolve("x"));
        Files.createSymbolicLink(root.resolve("x/up1"), Path.of(".."));
        for (int k = 2; k <= 6; k++) {
            Files.createSymbolicLink(root.resolve("x/up" + k), Path.of("up" + (k - 1) + "/.."));
        }
        return root;
    }

    private static OverlaybootException refused(Path root, String relative) {
        OverlaybootException e = catchThrowableOfType(OverlaybootException.class, () -> RootedPaths.resolve(root, relative));
        assertThat(e).as(relative).isNotNull();
        assertThat(e.exitCode()).isEqualTo(ExitCode.ENVIRONMENT);
        return e;
    }

    @Test
    void linksInsideAreFollowedAndTheLastComponentIsNot() throws Exception {
        Path root = root();
        assertThat(RootedPaths.resolve(root, "in/b/file")).isEqualTo(root.resolve("a/b/file"));
        assertThat(RootedPaths.resolve(root, "abs/b/file")).isEqualTo(root.resolve("a/b/file"));
        assertThat(RootedPaths.resolve(root, "new/dir/file")).isEqualTo(root.resolve("new/dir/file"));
        assertThat(RootedPaths.resolve(root, "out")).isEqualTo(root.resolve("out"));
        assertThat(RootedPaths.resolve(root, "x/up1/a/file")).isEqualTo(root.resolve("a/file"));
        assertThat(RootedPaths.resolve(root, "")).isEqualTo(root);
    }

    @Test
    void linksLeadingOutAreRefusedNamingTheLink() throws Exception {
        Path root = root();
        assertThat(refused(root, "out/file").getMessage())
                .contains(root.resolve("out") + " is a symbolic link to ../outside, which leads out of the target root " + root);
        refused(root, "x/up2/file");
        assertThat(refused(root, "x/up6/etc/shadow").getMessage()).contains("x/up");
        Files.createSymbolicLink(root.resolve("host"), Path.of("/etc"));
        refused(root, "host/shadow");
        Files.createSymbolicLink(root.resolve("slash"), Path.of("/"));
        refused(root, "slash/file");
    }

    @Test
    void aLoopOfLinksIsRefused() throws Exception {
        Path root = root();
        Files.createSymbolicLink(root.resolve("l1"), Path.of("l2"));
        Files.createSymbolicLink(root.resolve("l2"), Path.of("l1"));
        assertThat(refused(root, "l1/file").getMessage()).contains("Too many levels of symbolic links");
    }
}

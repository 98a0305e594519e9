package io.overlayboot.install;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The cached Debian bookworm chroot of the team's contract ({@code /var/cache/overlayboot/chroot},
 * complete when {@code .complete} exists), built by {@code e2e/build-chroot.sh} when the cache is
 * cold (that script takes a lock, so concurrent tests wait instead of building twice). Tests never
 * modify it: they work on copies.
 */
public final class CachedChroot {
    static final Path CACHE = Path.of(System.getenv().getOrDefault("OVERLAYBOOT_CACHE", "/var/cache/overlayboot"));

    private CachedChroot() {}

    static Path ensure() throws IOException, InterruptedException {
        Path chroot = CACHE.resolve("chroot");
        if (!Files.exists(chroot.resolve(".complete"))) {
            Path script = Path.of("e2e/build-chroot.sh").toAbsolutePath();
            assertThat(script).as("the chroot builder (from the issue-5 branch)").exists();
            Process p = new ProcessBuilder("bash", script.toString()).inheritIO().start();
            assertThat(p.waitFor()).as("e2e/build-chroot.sh").isZero();
        }
        assertThat(chroot.resolve(".complete")).exists();
        return chroot;
    }

    static String kernelVersion(Path chroot) throws IOException {
        return Files.readString(chroot.resolve("usr/share/overlayboot-e2e/kernel-version")).strip();
    }

    /**
     * A 2 GB ext4 image at {@code image} holding a copy of {@code tree} (a cached chroot), for tests
     * that mount it as a real root through {@link io.overlayboot.vm.LoopRoot}; the cache stays untouched.
     */
    public static void ext4Image(Path tree, Path image) throws IOException, InterruptedException {
        Process mkfs = new ProcessBuilder("mkfs.ext4", "-q", "-F", "-d", tree.toString(), image.toString(), "2G").inheritIO().start();
        assertThat(mkfs.waitFor()).as("mkfs.ext4 -d " + tree).isZero();
    }

    /** Runs a bash script inside {@code unshare -m -p -f} (private mounts, its own pid namespace); returns its output. */
    public static String unshared(String script, List<String> args) throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>(List.of("unshare", "-m", "-p", "-f", "--propagation", "private",
                "bash", "-euo", "pipefail", "-c", script, "chroot-test"));
        argv.addAll(args);
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(out).isZero();
        return out;
    }

    /** The command that runs overlayboot's CLI from this test's classpath. */
    public static String overlaybootCommand() {
        String java = ProcessHandle.current().info().command().orElse(System.getProperty("java.home") + "/bin/java");
        return "'" + java + "' --enable-native-access=ALL-UNNAMED -cp '" + System.getProperty("java.class.path")
                + "' io.overlayboot.cli.Main";
    }
}

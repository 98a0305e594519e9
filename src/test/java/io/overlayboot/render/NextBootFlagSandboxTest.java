package io.overlayboot.render;

import static org.assertj.core.api.Assertions.assertThat;

import io.overlayboot.sandbox.Sandbox;
import io.overlayboot.sys.Exec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The one-shot flag without GRUB ({@code /etc/overlayboot/next-boot}, written by {@code overlayboot
 * next-boot}) executed for real: the initramfs sandbox ({@code initramfs/sandbox.sh}) runs the
 * rendered boot script twice over one ext4 root image on a writable loop device, mounted read-only
 * as at boot, under busybox sh, dash and klibc's sh. The first boot obeys the flag and removes it
 * (remounting the root read-write for the unlink and read-only again); the second is the default.
 */
class NextBootFlagSandboxTest {
    private static final Path SANDBOX = Path.of("initramfs/sandbox.sh");
    private static String script;
    private static String library;

    @TempDir
    Path dir;

    @BeforeAll
    static void render() {
        script = BootScript.render(RenderRequest.defaults());
        library = BootScript.library(RenderRequest.defaults());
    }

    private record Boots(List<String> outputs, String state, String mounts, Path image) {}

    private Boots boot(String shell, String cmdline, String flag, boolean rootWritable) throws IOException {
        Path w = dir.resolve(shell);
        Path tree = w.resolve("tree");
        for (Map.Entry<String, String> e : Sandbox.defaultRoot().entrySet()) {
            Path p = tree.resolve(e.getKey());
            Files.createDirectories(e.getKey().endsWith("/") ? p : p.getParent());
            if (!e.getKey().endsWith("/")) {
                Files.writeString(p, e.getValue());
            }
        }
        Files.createDirectories(tree.resolve("etc/overlayboot"));
        Files.writeString(tree.resolve(BootMenu.FLAG), flag);
        Exec.Result mkfs = Exec.run(List.of("mke2fs", "-q", "-F", "-t", "ext4", "-d", tree.toString(), w.resolve("root.img").toString(),
                "16M"), Duration.ofMinutes(1));
        assertThat(mkfs.ok()).as(mkfs.stderr()).isTrue();
        Files.writeString(w.resolve("script"), script);
        Files.writeString(w.resolve("functions"), library);
        Files.writeString(w.resolve("cmdline"), cmdline + "\n");
        Files.writeString(w.resolve("settings"), "SHELL_KIND=" + shell + "\nRUNS=2\n" + (rootWritable ? "ROOT_RW=1\n" : ""));
        Exec.Result r = Exec.run(List.of("unshare", "-m", "-p", "-f", "--propagation", "private", "bash", SANDBOX.toString(),
                w.toString()), Duration.ofMinutes(2));
        assertThat(r.stdout()).as(r.stderr()).contains("=== end");
        String out = r.stdout();
        List<String> boots = List.of(out.substring(0, out.indexOf("=== boot rc=")),
                out.substring(out.indexOf('\n', out.indexOf("=== boot rc=")) + 1, out.lastIndexOf("=== boot rc=")));
        String mounts = out.substring(out.indexOf("=== mounts"), out.indexOf("=== state"));
        String state = out.substring(out.indexOf("=== state"), out.indexOf("=== kmsg"));
        return new Boots(boots, state, mounts, w.resolve("root.img"));
    }

    private static String etcOverlayboot(Path image) {
        return Exec.run(List.of("debugfs", "-R", "ls -l /etc/overlayboot", image.toString()), Duration.ofSeconds(20)).stdout();
    }

    @ParameterizedTest(name = "under {0}")
    @ValueSource(strings = {"busybox", "dash", "klibc"})
    void writableOnceThenProtectedAgainAndTheFlagIsGoneFromTheRoot(String shell) throws IOException {
        Boots b = boot(shell, "root=/dev/vda ro aufs=tmpfs", "writable\n", true);
        assertThat(b.outputs().get(0)).contains("overlayboot: writable boot, once, as 'overlayboot next-boot writable' asked:"
                + " the root is NOT protected, writes go to disk").doesNotContain("root is protected");
        assertThat(b.outputs().get(1)).contains("overlayboot: root is protected: overlay").doesNotContain("writable");
        assertThat(b.state()).contains("status=protected");
        assertThat(b.mounts()).contains(" /root overlay ").containsPattern(" /root/ro ext4 ro[,\\s]");
        assertThat(etcOverlayboot(b.image())).doesNotContain("next-boot");
    }

    @Test
    void protectedOnceWithoutAParameterThenPlainAgain() throws IOException {
        Boots b = boot("busybox", "root=/dev/vda ro", "protected\n", true);
        assertThat(b.outputs().get(0)).contains("protected boot, once, as 'overlayboot next-boot protected' asked",
                "overlayboot: root is protected: overlay");
        assertThat(b.outputs().get(1)).as("the union is in place: the second run leaves it").doesNotContain("protected boot, once");
        assertThat(etcOverlayboot(b.image())).doesNotContain("next-boot");
    }

    @Test
    void aFlagThatCannotBeRemovedIsIgnoredSoItCannotHoldForEveryBoot() throws IOException {
        Boots b = boot("dash", "root=/dev/vda ro aufs=tmpfs", "writable\n", false);
        assertThat(b.outputs().get(0)).contains("overlayboot: cannot remove /etc/overlayboot/next-boot, so its one-shot choice is"
                + " ignored (it would hold for every boot)").contains("root is protected");
        assertThat(b.state()).contains("status=protected");
        assertThat(etcOverlayboot(b.image())).contains("next-boot");
    }

    @Test
    void aFlagWithAnotherWordIsRemovedAndIgnored() throws IOException {
        Boots b = boot("klibc", "root=/dev/vda ro aufs=tmpfs", "sometimes\n", true);
        assertThat(b.outputs().get(0)).contains("/etc/overlayboot/next-boot holds 'sometimes', not writable or protected;"
                + " ignoring it").contains("root is protected");
        assertThat(etcOverlayboot(b.image())).doesNotContain("next-boot");
    }
}

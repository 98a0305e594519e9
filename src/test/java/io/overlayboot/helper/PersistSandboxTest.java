package io.overlayboot.helper;

import static org.assertj.core.api.Assertions.assertThat;

import io.overlayboot.files.Digests;
import io.overlayboot.render.RenderRequest;
import io.overlayboot.render.Renderer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * persist= booted for real in the initramfs sandbox ({@code initramfs/sandbox.sh} in
 * {@code unshare -m -p -f}), by the shell path and by the JVM helper, which must agree line for line:
 * writes under persisted paths reach the root image (or the store), every other write stays in the
 * tmpfs, bad entries are warned about by name and the root is still protected.
 */
class PersistSandboxTest {
    private static final Path SANDBOX = Path.of("initramfs/sandbox.sh").toAbsolutePath();

    @TempDir
    static Path shared;

    private static Path script;
    private static Path library;
    private static Path runtime;
    private static Path rootImage;

    @TempDir
    Path dir;

    /** The root: SSH host keys, an empty machine-id, Docker state, a symbolic link out of the root. */
    @BeforeAll
    static void renderScriptBuildRuntimeAndRoot() throws Exception {
        HelperBootFixture fixture = HelperBootFixture.build(shared);
        script = fixture.script;
        library = fixture.library;
        runtime = fixture.runtime;

        Path content = Files.createDirectories(shared.resolve("rootfs"));
        for (String d : List.of("etc/ssh", "var/lib/docker", "var/log", "dev", "proc", "sys", "run", "sbin", "srv")) {
            Files.createDirectories(content.resolve(d));
        }
        Files.writeString(content.resolve("etc/ssh/ssh_host_ed25519_key"), "key-of-the-image\n");
        Files.writeString(content.resolve("etc/ssh/ssh_host_ed25519_key.pub"), "pub-of-the-image\n");
        Files.writeString(content.resolve("etc/ssh/sshd_config"), "Port 22\n");
        Files.writeString(content.resolve("etc/machine-id"), "");
        Files.writeString(content.resolve("etc/motd"), "the lower layer\n");
        Files.writeString(content.resolve("var/lib/docker/engine-id"), "docker-of-the-image\n");
        Files.writeString(content.resolve("etc/fstab"), "UUID=0a0a0a0a-0000-4000-8000-000000000001 / ext4 errors=remount-ro 0 1\n");
        Files.writeString(content.resolve("sbin/init"), "fake init\n");
        Files.createSymbolicLink(content.resolve("srv/out"), Path.of("/tmp"));
        rootImage = shared.resolve("root.img");
        Processes.run("mke2fs", "-q", "-F", "-t", "ext4", "-L", "obroot", "-d", content.toString(),
                rootImage.toString(), "16M");
    }

    /** What the booted system does: a write under each persisted path, and two that must vanish. */
    private static final String PROBE = """
            echo new-key > /root/etc/ssh/ssh_host_ed25519_key
            echo 0123456789abcdef0123456789abcdef > /root/etc/machine-id
            echo pulled > /root/var/lib/docker/image
            echo entry > /root/var/log/journal/system.journal
            echo kept > /root/srv/data/file
            echo volatile > /root/etc/motd
            echo volatile > /root/etc/ssh/sshd_config
            echo escaped > /root/srv/out/x 2>/dev/null
            echo '--- mounts'
            grep ' /root' /proc/self/mounts | sed 's,/dev/loop[0-9]*,/dev/loopN,'
            """;

    private static final String PERSIST =
            "persist=@ssh-host-keys @machine-id @docker @logs /srv/data /srv/out/x\n";

    record Boot(String text, Path image, Path store) {}

    /**
     * One boot: the shell path, or the JVM helper (the script's own steps stubbed to fail, so a boot
     * the helper did not do cannot look the same). Loop numbers blanked, debug lines dropped.
     */
    private Boot boot(String name, String config, boolean rootWritable, boolean store, boolean helper) throws Exception {
        return boot(name, config, rootWritable, store, helper, "busybox");
    }

    private Boot boot(String name, String config, boolean rootWritable, boolean store, boolean helper, String shell)
            throws Exception {
        Path w = Files.createDirectories(dir.resolve(name + (helper ? "-helper" : "-shell-" + shell)));
        String functions = Files.readString(library);
        if (helper) {
            functions = ConformanceTest.stubbedSteps(functions);
        }
        Files.writeString(w.resolve("script"), Files.readString(script));
        Files.writeString(w.resolve("functions"), functions);
        Files.writeString(w.resolve("cmdline"), "root=/dev/vda ro aufs=tmpfs\n");
        Files.writeString(w.resolve("conf"), config);
        Files.copy(rootImage, w.resolve("root.img"));
        if (store) {
            Processes.run("mke2fs", "-q", "-F", "-t", "ext4", "-L", "obstore", w.resolve("upper.img").toString(), "16M");
        }
        String settings = "SHELL_KIND=" + shell + "\n" + (rootWritable ? "ROOT_RW=1\n" : "")
                + (helper ? HelperBootFixture.sandboxSettings(runtime) : "");
        Files.writeString(w.resolve("settings"), settings);
        Files.writeString(w.resolve("probe"), PROBE);
        Processes.Result r = Processes.exec(List.of("unshare", "-m", "-p", "-f", "--propagation", "private", "bash",
                SANDBOX.toString(), w.toString()), null);
        assertThat(r.exit()).as(r.err()).isZero();
        String out = r.out().lines()
                .filter(l -> !l.startsWith("overlayboot: debug:"))
                .filter(l -> !l.contains("(errno ") && !l.startsWith("mount: ") && !l.startsWith("umount: "))
                .filter(l -> !l.matches("(warning=|<4>)?overlayboot: helper=\\w+ is not in the initramfs, using the shell path"))
                .map(l -> l.replaceAll("/dev/loop[0-9]+", "/dev/loopN"))
                .reduce("", (a, b) -> a + b + "\n");
        return new Boot(out, w.resolve("root.img"), w.resolve("upper.img"));
    }

    private static String cat(Path image, String path) throws Exception {
        return Processes.exec(List.of("debugfs", "-R", "cat " + path, image.toString()), null).out();
    }

    private static String stat(Path image, String path) throws Exception {
        Processes.Result r = Processes.exec(List.of("debugfs", "-R", "stat " + path, image.toString()), null);
        return r.out() + r.err();
    }

    @Test
    void persistedWritesReachTheRootImageAndEveryOtherWriteVanishes() throws Exception {
        Boot shell = boot("root", PERSIST, true, false, false);
        Boot helper = boot("root", PERSIST, true, false, true);
        assertThat(helper.text()).isEqualTo(shell.text());
        for (Boot b : List.of(shell, helper)) {
            assertThat(b.text()).contains("status=protected", "overlayboot /root overlay",
                    "/dev/loopN /root/ro ext4 ro,",
                    "persisted=/etc/ssh/ssh_host_ed25519_key", "persisted=/etc/ssh/ssh_host_ed25519_key.pub",
                    "persisted=/etc/machine-id", "persisted=/var/lib/docker", "persisted=/var/lib/containerd",
                    "persisted=/var/log/journal", "persisted=/srv/data", "volatile=/srv/out/x",
                    "warning=overlayboot: cannot persist /srv/out/x: a component of it is a symbolic link;"
                            + " it stays volatile this boot");
            assertThat(cat(b.image(), "etc/ssh/ssh_host_ed25519_key")).isEqualTo("new-key\n");
            assertThat(cat(b.image(), "etc/ssh/ssh_host_ed25519_key.pub")).isEqualTo("pub-of-the-image\n");
            assertThat(cat(b.image(), "etc/machine-id")).isEqualTo("0123456789abcdef0123456789abcdef\n");
            assertThat(cat(b.image(), "var/lib/docker/image")).isEqualTo("pulled\n");
            assertThat(cat(b.image(), "var/lib/docker/engine-id")).isEqualTo("docker-of-the-image\n");
            assertThat(cat(b.image(), "var/log/journal/system.journal")).isEqualTo("entry\n");
            assertThat(cat(b.image(), "srv/data/file")).isEqualTo("kept\n");
            // everything else is as it was
            assertThat(cat(b.image(), "etc/motd")).isEqualTo("the lower layer\n");
            assertThat(cat(b.image(), "etc/ssh/sshd_config")).isEqualTo("Port 22\n");
            assertThat(stat(b.image(), "srv/out/x")).contains("File not found");
            // created as the presets say: the journal setgid, containerd 0711
            assertThat(stat(b.image(), "var/log/journal")).contains("Mode:  02755");
            assertThat(stat(b.image(), "var/lib/containerd")).contains("Mode:  0711");
        }
    }

    /** The same boot under dash and klibc's sh (klibc's mount wants a device for a remount): line for line as busybox. */
    @org.junit.jupiter.params.ParameterizedTest(name = "under {0}")
    @org.junit.jupiter.params.provider.ValueSource(strings = {"dash", "klibc"})
    void everyShellPersistsAsBusyboxDoes(String shell) throws Exception {
        Boot busybox = boot("shells", PERSIST, true, false, false);
        Boot other = boot("shells", PERSIST, true, false, false, shell);
        assertThat(other.text()).isEqualTo(busybox.text()).contains("persisted=/var/log/journal", "volatile=/srv/out/x");
        assertThat(cat(other.image(), "srv/data/file")).isEqualTo("kept\n");
        assertThat(stat(other.image(), "var/lib/containerd")).contains("Mode:  0711");
        assertThat(stat(other.image(), "var/log/journal")).contains("Mode:  02755");
    }

    @Test
    void aRootDeviceThatCannotBeWrittenLeavesEveryPathVolatileAndTheRootProtected() throws Exception {
        Boot shell = boot("readonly", PERSIST, false, false, false);
        Boot helper = boot("readonly", PERSIST, false, false, true);
        assertThat(helper.text()).isEqualTo(shell.text());
        assertThat(shell.text()).contains("status=protected", "overlayboot /root overlay",
                "overlayboot: cannot make the root filesystem writable (mount -o remount,rw): the persisted paths"
                        + " (@ssh-host-keys @machine-id @docker @logs /srv/data /srv/out/x) stay volatile this boot",
                "volatile=@ssh-host-keys", "volatile=/srv/out/x")
                .doesNotContain("persisted=");
        assertThat(Digests.sha256Hex(shell.image())).isEqualTo(Digests.sha256Hex(rootImage));
        assertThat(Digests.sha256Hex(helper.image())).isEqualTo(Digests.sha256Hex(rootImage));
    }

    @Test
    void aStoreStartsFromTheRootsContentAndTheRootImageIsNeverWritten() throws Exception {
        String config = PERSIST + "store=LABEL=obstore\n";
        Boot shell = boot("store", config, true, true, false);
        Boot helper = boot("store", config, true, true, true);
        assertThat(helper.text()).isEqualTo(shell.text());
        for (Boot b : List.of(shell, helper)) {
            assertThat(b.text()).contains("status=protected", "persisted=/etc/machine-id", "persisted=/srv/data");
            assertThat(Digests.sha256Hex(b.image())).isEqualTo(Digests.sha256Hex(rootImage));
            assertThat(cat(b.store(), "etc/ssh/ssh_host_ed25519_key")).isEqualTo("new-key\n");
            assertThat(cat(b.store(), "etc/ssh/ssh_host_ed25519_key.pub")).isEqualTo("pub-of-the-image\n");
            assertThat(cat(b.store(), "var/lib/docker/engine-id")).isEqualTo("docker-of-the-image\n");
            assertThat(cat(b.store(), "var/lib/docker/image")).isEqualTo("pulled\n");
            assertThat(cat(b.store(), "srv/data/file")).isEqualTo("kept\n");
        }
    }
}

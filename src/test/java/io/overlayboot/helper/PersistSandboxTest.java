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
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * persist= booted for real in the initramfs sandbox ({@code initramfs/sandbox.sh} in
 * {@code unshare -m -p -f}), by the shell path and by the JVM helper, which must agree line for line:
 * writes under persisted paths reach the root image (or the store), every other write stays in the
 * tmpfs, bad entries are warned about by name and the root is still protected.
 */
// Runs beside the other classes (only its own temp directories and sandboxes, initramfs/sandbox.sh
// in unshare -m -p -f), its cases one after another, as before (docs/ci-time.md)
@Execution(ExecutionMode.CONCURRENT)
class PersistSandboxTest {
    private static final Path SANDBOX = Path.of("initramfs/sandbox.sh").toAbsolutePath();

    @TempDir
    static Path shared;

    private static Path script;
    private static Path library;
    private static Path runtime;
    private static Path rootImage;
    private static Path rootContent;

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
        rootContent = content;
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
        return boot(new Run(name, config, rootWritable, rootImage, store ? emptyStore() : null, helper, shell, "", PROBE));
    }

    /**
     * A boot as {@link #boot(String, String, boolean, boolean, boolean)} with everything chosen.
     *
     * @param image the root image (copied)
     * @param store the store image (copied), or null for none
     * @param settings more lines of the sandbox's settings file
     */
    record Run(String name, String config, boolean rootWritable, Path image, Path store, boolean helper, String shell,
            String settings, String probe) {
        Run with(boolean helper, String shell) {
            return new Run(name, config, rootWritable, image, store, helper, shell, settings, probe);
        }
    }

    private Boot boot(Run run) throws Exception {
        Path w = Files.createDirectories(dir.resolve(run.name() + (run.helper() ? "-helper" : "-shell-" + run.shell())));
        String functions = Files.readString(library);
        if (run.helper()) {
            functions = ConformanceTest.stubbedSteps(functions);
        }
        Files.writeString(w.resolve("script"), Files.readString(script));
        Files.writeString(w.resolve("functions"), functions);
        Files.writeString(w.resolve("cmdline"), "root=/dev/vda ro aufs=tmpfs\n");
        Files.writeString(w.resolve("conf"), run.config());
        Files.copy(run.image(), w.resolve("root.img"));
        if (run.store() != null) {
            Files.copy(run.store(), w.resolve("upper.img"));
        }
        String settings = "SHELL_KIND=" + run.shell() + "\n" + (run.rootWritable() ? "ROOT_RW=1\n" : "") + run.settings()
                + (run.helper() ? HelperBootFixture.sandboxSettings(runtime) : "");
        Files.writeString(w.resolve("settings"), settings);
        Files.writeString(w.resolve("probe"), run.probe());
        Processes.Result r = Processes.exec(List.of("unshare", "-m", "-p", "-f", "--propagation", "private", "bash",
                SANDBOX.toString(), w.toString()), null);
        assertThat(r.exit()).as(r.err()).isZero();
        String out = r.out().lines()
                .filter(l -> !l.startsWith("overlayboot: debug:"))
                .filter(l -> !l.contains("(errno ") && !l.startsWith("mount: ") && !l.startsWith("umount: ")
                        && !l.startsWith("cp: "))
                .filter(l -> !l.matches("(warning=|<4>)?overlayboot: helper=\\w+ is not in the initramfs, using the shell path"))
                .map(l -> l.replaceAll("/dev/loop[0-9]+", "/dev/loopN"))
                .reduce("", (a, b) -> a + b + "\n");
        return new Boot(out, w.resolve("root.img"), w.resolve("upper.img"));
    }

    /** An empty ext4 store labelled obstore. */
    private Path emptyStore() throws Exception {
        return image("store-empty.img", "obstore", null, Map.of(), "16M");
    }

    /**
     * An ext4 image labelled {@code label}: the files of {@code base} (or none) with {@code extra}
     * (path to content; a path ending in / is a directory) on top.
     */
    private Path image(String name, String label, Path base, Map<String, byte[]> extra, String size) throws Exception {
        Path content = dir.resolve(name + ".d");
        Files.createDirectories(content);
        if (base != null) {
            Processes.run("cp", "-a", base + "/.", content.toString());
        }
        for (var e : new java.util.TreeMap<>(extra).entrySet()) {
            Path p = content.resolve(e.getKey());
            if (e.getKey().endsWith("/")) {
                Files.createDirectories(p);
            } else {
                Files.createDirectories(p.getParent());
                Files.write(p, e.getValue());
            }
        }
        Path img = dir.resolve(name);
        Processes.run("mke2fs", "-q", "-F", "-t", "ext4", "-L", label, "-d", content.toString(), img.toString(), size);
        return img;
    }

    private static String cat(Path image, String path) throws Exception {
        return Processes.exec(List.of("debugfs", "-R", "cat " + path, image.toString()), null).out();
    }

    private static String stat(Path image, String path) throws Exception {
        Processes.Result r = Processes.exec(List.of("debugfs", "-R", "stat " + path, image.toString()), null);
        return r.out() + r.err();
    }

    @Execution(ExecutionMode.SAME_THREAD)
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

    @Execution(ExecutionMode.SAME_THREAD)
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

    @Execution(ExecutionMode.SAME_THREAD)
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

    /** Each line of a debugfs {@code ls} of {@code dir} in the image: its entries' names. */
    private static List<String> ls(Path image, String dir) throws Exception {
        String out = Processes.exec(List.of("debugfs", "-R", "ls -l " + dir, image.toString()), null).out();
        return out.lines().map(String::strip).filter(l -> !l.isEmpty())
                .map(l -> l.replaceFirst("^(\\S+\\s+){8}", "")).toList();
    }

    private static long count(String text, String line) {
        return text.lines().filter(line::equals).count();
    }

    /**
     * store=: a first copy cut short (the store is full) leaves nothing at the path, so no later boot
     * binds a partial tree as complete; an unfinished copy left by a boot that died ({@code
     * PATH.ob-new}) is removed and the copy made again.
     */
    @Execution(ExecutionMode.SAME_THREAD)
    @Test
    void aCopyToTheStoreCutShortIsNeverTakenForTheWholeAndALeftoverIsCopiedAgain() throws Exception {
        byte[] blob = new byte[6 << 20];
        new java.util.Random(13).nextBytes(blob);
        Path root = image("root-big.img", "obroot", rootContent,
                Map.of("srv/big/blob", blob, "srv/data/old", "from the image\n".getBytes()), "32M");
        Path store = image("store-left.img", "obstore", null, Map.of("srv/data.ob-new/partial", "cut short\n".getBytes()), "4M");
        Run run = new Run("copy", "persist=/srv/big /srv/data\nstore=LABEL=obstore\n", true, root, store, false, "busybox", "", PROBE);
        Boot busybox = boot(run);
        Boot dash = boot(run.with(false, "dash"));
        Boot helper = boot(run.with(true, "busybox"));
        assertThat(dash.text()).isEqualTo(busybox.text());
        assertThat(helper.text()).isEqualTo(busybox.text());
        for (Boot b : List.of(busybox, dash, helper)) {
            assertThat(b.text()).contains("status=protected", "persisted=/srv/data", "volatile=/srv/big",
                    "overlayboot: removing /srv/data.ob-new from the store: an earlier boot stopped while copying /srv/data there",
                    "warning=overlayboot: cannot persist /srv/big: cannot copy it from the root filesystem to the store;"
                            + " it stays volatile this boot");
            assertThat(ls(b.store(), "/srv")).contains("data").noneMatch(n -> n.startsWith("big") || n.endsWith(".ob-new"));
            assertThat(ls(b.store(), "/srv/data")).contains("old", "file").doesNotContain("partial");
            assertThat(cat(b.store(), "srv/data/old")).isEqualTo("from the image\n");
            assertThat(cat(b.store(), "srv/data/file")).isEqualTo("kept\n");
            assertThat(Digests.sha256Hex(b.image())).isEqualTo(Digests.sha256Hex(root));
        }
    }

    /**
     * A glob match whose name has a space is refused whole (it was split into two names, each
     * created on the root filesystem); an entry named twice (itself, or in a preset) is set up once.
     */
    @org.junit.jupiter.params.ParameterizedTest(name = "under {0}")
    @org.junit.jupiter.params.provider.ValueSource(strings = {"busybox", "dash", "klibc"})
    void aMatchWithASpaceIsRefusedWholeAndARepeatedEntryIsSetUpOnce(String shell) throws Exception {
        Path root = image("root-space.img", "obroot", rootContent, Map.of("etc/ssh/ssh_host_a b_key", "odd\n".getBytes()), "16M");
        String config = "persist=@ssh-host-keys /srv/data /srv/data @machine-id /etc/machine-id\n";
        Run run = new Run("space", config, true, root, null, false, shell, "", PROBE);
        Boot sh = boot(run);
        Boot helper = boot(run.with(true, "busybox"));
        assertThat(sh.text()).isEqualTo(helper.text());
        assertThat(sh.text()).contains("status=protected", "persisted=/etc/ssh/ssh_host_ed25519_key",
                "warning=overlayboot: cannot persist /etc/ssh/ssh_host_a b_key: its name has a character outside"
                        + " A-Z a-z 0-9 . _ @ -; it stays volatile this boot",
                "volatile=/etc/ssh/ssh_host_a b_key");
        assertThat(count(sh.text(), "persisted=/srv/data")).isOne();
        assertThat(count(sh.text(), "persisted=/etc/machine-id")).isOne();
        // one bind: a line in the probe's listing and one in the sandbox's
        assertThat(sh.text().lines().filter(l -> l.contains(" /root/srv/data ")).count()).isEqualTo(2);
        assertThat(ls(sh.image(), "/etc/ssh")).contains("ssh_host_a b_key").doesNotContain("ssh_host_a", "b_key");
    }

    /**
     * A persisted path at, under or above a mount carried into the union (a separate filesystem,
     * here a tmpfs at /srv/extra) would cover that mount's content with the root filesystem's
     * empty directory: it stays volatile with a warning, and the mount's content stays visible.
     */
    @Execution(ExecutionMode.SAME_THREAD)
    @Test
    void aPathOnAMountCarriedIntoTheUnionStaysVolatile() throws Exception {
        Path root = image("root-sub.img", "obroot", rootContent, Map.of("srv/extra/", new byte[0]), "16M");
        String probe = "cat /root/srv/extra/own\n" + PROBE;
        Run run = new Run("carried", "persist=/srv/extra /srv/extra/cache /srv /srv/data\n", true, root, null, false, "busybox",
                "SUBMOUNT=/srv/extra\n", probe);
        Boot busybox = boot(run);
        Boot klibc = boot(run.with(false, "klibc"));
        Boot helper = boot(run.with(true, "busybox"));
        assertThat(klibc.text()).isEqualTo(busybox.text());
        assertThat(helper.text()).isEqualTo(busybox.text());
        assertThat(busybox.text()).contains("status=protected", "content of its own", "persisted=/srv/data",
                "warning=overlayboot: cannot persist /srv/extra: /srv/extra is a filesystem of its own, not the root"
                        + " filesystem; it stays volatile this boot",
                "warning=overlayboot: cannot persist /srv/extra/cache: /srv/extra is a filesystem of its own, not the root"
                        + " filesystem; it stays volatile this boot",
                "warning=overlayboot: cannot persist /srv: /srv/extra is a filesystem of its own, not the root"
                        + " filesystem; it stays volatile this boot",
                "volatile=/srv/extra", "volatile=/srv/extra/cache", "volatile=/srv");
        assertThat(ls(busybox.image(), "/srv/extra")).doesNotContain("cache");
        assertThat(cat(busybox.image(), "srv/data/file")).isEqualTo("kept\n");
    }

    /** Each preset alone: its paths reach the root image, every other write vanishes; shell and helper agree. */
    @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.ValueSource(strings = {"@ssh-host-keys", "@machine-id", "@network", "@docker", "@logs"})
    void eachPresetAlone(String preset) throws Exception {
        String probe = """
                echo new-key > /root/etc/ssh/ssh_host_ed25519_key
                echo 0123456789abcdef0123456789abcdef > /root/etc/machine-id
                echo conn > /root/etc/NetworkManager/system-connections/wired.nmconnection
                echo lease > /root/var/lib/dhcp/dhclient.leases
                echo state > /root/var/lib/NetworkManager/NetworkManager.state
                echo pulled > /root/var/lib/docker/image
                echo task > /root/var/lib/containerd/task
                echo entry > /root/var/log/journal/system.journal
                echo volatile > /root/etc/motd
                echo '--- mounts'
                grep ' /root' /proc/self/mounts | sed 's,/dev/loop[0-9]*,/dev/loopN,'
                """;
        Run run = new Run("preset" + preset.substring(1), "persist=" + preset + "\n", true, rootImage, null, false, "busybox", "",
                probe);
        Boot shell = boot(run);
        Boot helper = boot(run.with(true, "busybox"));
        assertThat(helper.text()).isEqualTo(shell.text());
        Map<String, Map<String, String>> kept = Map.of(
                "@ssh-host-keys", Map.of("etc/ssh/ssh_host_ed25519_key", "new-key\n"),
                "@machine-id", Map.of("etc/machine-id", "0123456789abcdef0123456789abcdef\n"),
                "@network", Map.of("etc/NetworkManager/system-connections/wired.nmconnection", "conn\n",
                        "var/lib/dhcp/dhclient.leases", "lease\n", "var/lib/NetworkManager/NetworkManager.state", "state\n"),
                "@docker", Map.of("var/lib/docker/image", "pulled\n", "var/lib/containerd/task", "task\n"),
                "@logs", Map.of("var/log/journal/system.journal", "entry\n"));
        Map<String, List<String>> persisted = Map.of(
                "@ssh-host-keys", List.of("/etc/ssh/ssh_host_ed25519_key", "/etc/ssh/ssh_host_ed25519_key.pub"),
                "@machine-id", List.of("/etc/machine-id"),
                "@network", List.of("/etc/NetworkManager/system-connections", "/var/lib/NetworkManager", "/var/lib/dhcp"),
                "@docker", List.of("/var/lib/docker", "/var/lib/containerd"),
                "@logs", List.of("/var/log/journal"));
        assertThat(shell.text()).contains("status=protected").doesNotContain("volatile=", "warning=");
        assertThat(shell.text().lines().filter(l -> l.startsWith("persisted=")).toList())
                .containsExactlyElementsOf(persisted.get(preset).stream().map(p -> "persisted=" + p).toList());
        for (var e : kept.entrySet()) {
            for (var f : e.getValue().entrySet()) {
                if (e.getKey().equals(preset)) {
                    assertThat(cat(shell.image(), f.getKey())).as(f.getKey()).isEqualTo(f.getValue());
                } else {
                    assertThat(cat(shell.image(), f.getKey())).as(f.getKey()).isNotEqualTo(f.getValue());
                }
            }
        }
        assertThat(cat(shell.image(), "etc/motd")).isEqualTo("the lower layer\n");
        assertThat(cat(shell.image(), "etc/ssh/sshd_config")).isEqualTo("Port 22\n");
    }

    /** @machine-id with no /etc/machine-id on the root: created there empty, mode 0444, and kept. */
    @Execution(ExecutionMode.SAME_THREAD)
    @Test
    void aMissingMachineIdIsCreatedAndKept() throws Exception {
        Path content = dir.resolve("no-machine-id");
        Processes.run("cp", "-a", rootContent.toString(), content.toString());
        Files.delete(content.resolve("etc/machine-id"));
        Path root = image("root-no-id.img", "obroot", content, Map.of(), "16M");
        Run run = new Run("noid", "persist=@machine-id\n", true, root, null, false, "busybox", "", PROBE);
        Boot shell = boot(run);
        Boot helper = boot(run.with(true, "busybox"));
        assertThat(helper.text()).isEqualTo(shell.text());
        for (Boot b : List.of(shell, helper)) {
            assertThat(b.text()).contains("status=protected", "persisted=/etc/machine-id").doesNotContain("volatile=");
            assertThat(cat(b.image(), "etc/machine-id")).isEqualTo("0123456789abcdef0123456789abcdef\n");
            assertThat(stat(b.image(), "etc/machine-id")).contains("Mode:  0444");
        }
    }

    /** A store that is not there (no such label, no such device node): warned, every path volatile, still protected. */
    @org.junit.jupiter.params.ParameterizedTest(name = "store={0}")
    @org.junit.jupiter.params.provider.ValueSource(strings = {"LABEL=nosuch", "/dev/nosuch"})
    void aMissingStoreLeavesEveryPathVolatileAndTheRootProtected(String store) throws Exception {
        String config = "persist=@machine-id /srv/data\nstore=" + store + "\ntimeout=1\n";
        Run run = new Run("nostore", config, true, rootImage, null, false, "busybox", "", PROBE);
        Boot shell = boot(run);
        Boot helper = boot(run.with(true, "busybox"));
        assertThat(helper.text()).isEqualTo(shell.text());
        assertThat(shell.text()).contains("status=protected", "overlayboot /root overlay",
                "warning=overlayboot: store device " + store + " not found after 1 s: the persisted paths"
                        + " (@machine-id /srv/data) stay volatile this boot",
                "volatile=@machine-id", "volatile=/srv/data").doesNotContain("persisted=");
        for (Boot b : List.of(shell, helper)) {
            assertThat(Digests.sha256Hex(b.image())).isEqualTo(Digests.sha256Hex(rootImage));
        }
    }
}

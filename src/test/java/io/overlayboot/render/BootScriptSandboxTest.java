package io.overlayboot.render;

import io.overlayboot.files.Digests;
import static org.assertj.core.api.Assertions.assertThat;

import io.overlayboot.sandbox.Sandbox;
import io.overlayboot.sandbox.Sandbox.Order;
import io.overlayboot.sandbox.Sandbox.Result;
import io.overlayboot.sandbox.Sandbox.Shell;
import io.overlayboot.sys.Exec;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The rendered boot script executed for real: a private mount namespace, a chroot shaped like
 * initramfs-tools' initramfs, a read-only ext4 root image at /root. Every failure case of the
 * policy ends with the root back at /root exactly as found.
 */
class BootScriptSandboxTest {
    static String script;
    static String library;

    @TempDir
    Path work;

    /** What the booted system does: write a file, then show what it sees. */
    static final String PROBE = """
            echo written-after-boot > /root/etc/newfile
            echo "motd: $(cat /root/etc/motd)"
            [ -d /root/ro/etc ] && echo "ro: visible"
            [ -d /root/rw ] && echo "rw: visible"
            [ -e /root/ro/etc/newfile ] && echo "LEAK: the write reached the lower root"
            [ -c /root/dev/null ] && echo "dev: /root/dev/null is there"
            echo "--- fstab"
            cat /root/etc/fstab
            """;

    @BeforeAll
    static void render() {
        script = BootScript.render(RenderRequest.defaults());
        library = BootScript.library(RenderRequest.defaults());
    }

    private Result run(Sandbox.Builder spec) {
        return Sandbox.run(spec.build(), work);
    }

    private Sandbox.Builder spec(String cmdline) {
        return Sandbox.spec(script, library, cmdline).probe(PROBE);
    }

    private static void assertPlainRootAsFound(Result r) {
        assertThat(r.mountAt("/root")).get().satisfies(m -> {
            assertThat(m.type()).isEqualTo("ext4");
            assertThat(m.options()).startsWith("ro");
        });
        assertThat(r.mounts()).extracting(Sandbox.Mount::target)
                .noneMatch(t -> t.equals("/rw") || t.equals("/ro") || t.equals("/overlayboot") || t.startsWith("/root/r"));
        assertThat(r.mounts()).extracting(Sandbox.Mount::type).doesNotContain("overlay");
    }

    private static void assertProtected(Result r) {
        assertThat(r.mountAt("/root")).get().satisfies(m -> {
            assertThat(m.type()).isEqualTo("overlay");
            assertThat(m.source()).isEqualTo("overlayboot");
        });
        assertThat(r.mountAt("/root/ro")).get().extracting(Sandbox.Mount::type).isEqualTo("ext4");
        assertThat(r.probe()).contains("ro: visible", "rw: visible", "motd: the lower layer")
                .doesNotContain("LEAK");
        assertThat(r.state()).containsEntry("status", "protected");
    }

    @ParameterizedTest(name = "under {0}")
    @EnumSource(Shell.class)
    void seedParameterAloneProtectsTheRootAndTheLowerStaysByteIdentical(Shell shell) throws Exception {
        Result r = run(spec("BOOT_IMAGE=/vmlinuz root=/dev/vda ro aufs=tmpfs").shell(shell));
        assertThat(r.boot().exitCode()).isZero();
        assertProtected(r);
        assertThat(r.boot().output()).contains("overlayboot: root is protected: overlay");
        assertThat(r.mountAt("/root/rw")).get().satisfies(m -> assertThat(m.type()).isEqualTo("tmpfs"));
        assertThat(r.kmsg()).contains("<5>overlayboot: root is protected");
        // The image was mounted read-only the whole time: not one byte of it changed.
        Path image = r.work().resolve("root.img");
        assertThat(Exec.run(List.of("debugfs", "-R", "ls /etc", image.toString()), Duration.ofSeconds(20)).stdout())
                .contains("motd").doesNotContain("newfile");
        assertThat(Digests.sha256Hex(image)).isEqualTo(r.rootImageSha256());
    }

    @Test
    void writesLandInTheUpperLayer() {
        Result r = run(spec("aufs=tmpfs").probe(PROBE + "\ncat /root/rw/upper/etc/newfile\n"));
        assertProtected(r);
        assertThat(r.probe()).contains("written-after-boot");
    }

    @Test
    void fstabLosesRootAndSwapAndKeepsEveryOtherLineByteForByte() {
        Result r = run(spec("aufs=tmpfs"));
        String fstab = r.probe().substring(r.probe().indexOf("--- fstab\n") + 10);
        assertThat(fstab).isEqualTo("""
                # overlayboot: the root (and swap) lines of /ro/etc/fstab are left out while the root is protected.
                # /etc/fstab: static file system information.
                UUID=11111111-2222-3333-4444-555555555555 /home   ext4    defaults,nosuid   0       2
                tmpfs /var/tmp tmpfs   defaults 0 0
                """);
    }

    @Test
    void swapOneKeepsTheSwapLine() {
        Result r = run(spec("overlayboot=tmpfs:swap=1"));
        assertThat(r.probe()).contains("/swapfile                                 none            swap    sw              0       0");
    }

    @Test
    void recurseOnePutsOtherLocalFilesystemsUnderAUnion() {
        Result r = run(spec("overlayboot=tmpfs:recurse=1").probe(PROBE + "\n[ -d /root/rw/recurse/home/upper ] && echo recurse-upper-made\n"));
        assertProtected(r);
        assertThat(r.probe()).contains(
                "UUID=11111111-2222-3333-4444-555555555555 /ro/home ext4 defaults,nosuid,ro 0 0",
                "overlayboot /home overlay lowerdir=/ro/home,upperdir=/rw/recurse/home/upper,workdir=/rw/recurse/home/work,"
                        + "x-systemd.requires-mounts-for=/ro/home 0 0",
                "tmpfs /var/tmp tmpfs   defaults 0 0",
                "recurse-upper-made");
    }

    @Test
    void sizeCapsTheTmpfs() {
        Result r = run(spec("overlayboot=tmpfs:size=8M"));
        assertThat(r.mountAt("/root/rw")).get().extracting(Sandbox.Mount::options).asString().contains("size=8192k");
    }

    @ParameterizedTest(name = "under {0}")
    @EnumSource(Shell.class)
    void worksWhenUdevMovedDevIntoTheRootFirst(Shell shell) {
        Result r = run(spec("aufs=tmpfs").order(Order.AFTER_UDEV).shell(shell));
        assertProtected(r);
        assertThat(r.mountAt("/root/dev")).get().extracting(Sandbox.Mount::source).isEqualTo("sandbox-dev");
        assertThat(r.probe()).contains("dev: /root/dev/null is there");
    }

    @Test
    void noParameterLeavesThePlainRootAndSaysNothing() {
        Result r = run(spec("root=/dev/vda ro quiet"));
        assertPlainRootAsFound(r);
        assertThat(r.boot().output()).isEmpty();
        assertThat(r.state()).isEmpty();
    }

    @Test
    void disabledBeatsAufsAndTheConfig() {
        Result r = run(spec("aufs=tmpfs overlayboot=disabled").config("mode=tmpfs\n"));
        assertPlainRootAsFound(r);
        assertThat(r.boot().output()).contains("overlayboot=disabled on the kernel command line: the root is NOT protected");
        assertThat(r.state()).containsEntry("status", "unprotected");
    }

    @Test
    void configModeProtectsWithoutAParameter() {
        Result r = run(spec("root=/dev/vda ro").config("mode=tmpfs\nsize=16M\n"));
        assertProtected(r);
        assertThat(r.mountAt("/root/rw")).get().extracting(Sandbox.Mount::options).asString().contains("size=16384k");
    }

    @Test
    void typoInAnOptionWarnsAndStillProtects() {
        Result r = run(spec("overlayboot=tmpfs:sise=64M"));
        assertThat(r.boot().output()).contains(
                "overlayboot: unknown option 'sise' in 'overlayboot=tmpfs:sise=64M', ignoring it");
        assertProtected(r);
        assertThat(r.state().get("warning")).contains("sise");
    }

    @Test
    void labelledDeviceHoldsTheWrites() {
        Result r = run(spec("ro aufs=LABEL=OBDATA").upperLabel("OBDATA"));
        assertProtected(r);
        assertThat(r.mountAt("/root/rw")).get().extracting(Sandbox.Mount::type).isEqualTo("ext4");
        String upper = Exec.run(List.of("debugfs", "-R", "cat /upper/etc/newfile", r.work().resolve("upper.img").toString()),
                Duration.ofSeconds(20)).stdout();
        assertThat(upper).contains("written-after-boot");
    }

    @ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.ValueSource(strings = {"aufs=UUID=" + Sandbox.UPPER_UUID,
        "overlayboot=device:dev=UUID=" + Sandbox.UPPER_UUID + ",timeout=3"})
    void uuidDeviceHoldsTheWrites(String parameter) {
        Result r = run(spec("ro " + parameter).upperLabel("BYUUID"));
        assertProtected(r);
        assertThat(r.state().get("upper")).startsWith("UUID=" + Sandbox.UPPER_UUID + " (/dev/loop").endsWith(", ext4)");
        assertThat(r.mountAt("/root/rw")).get().extracting(Sandbox.Mount::type).isEqualTo("ext4");
        String upper = Exec.run(List.of("debugfs", "-R", "cat /upper/etc/newfile", r.work().resolve("upper.img").toString()),
                Duration.ofSeconds(20)).stdout();
        assertThat(upper).contains("written-after-boot");
    }

    @Test
    void deviceModeWithDirKeepsLayersInThatDirectory() {
        Result r = run(spec("overlayboot=device:dev=LABEL=OBDATA,dir=layers/one,fstype=ext4").upperLabel("OBDATA"));
        assertProtected(r);
        assertThat(r.mountAt("/root")).get().extracting(Sandbox.Mount::options).asString()
                .contains("upperdir=/rw/layers/one/upper");
        String upper = Exec.run(List.of("debugfs", "-R", "cat /layers/one/upper/etc/newfile",
                r.work().resolve("upper.img").toString()), Duration.ofSeconds(20)).stdout();
        assertThat(upper).contains("written-after-boot");
    }

    @Test
    void missingDeviceFallsBackToTmpfsAndSaysSo() {
        Result r = run(spec("aufs=LABEL=NOWHERE").config("timeout=1\n"));
        assertThat(r.boot().output()).contains(
                "overlayboot: upper device LABEL=NOWHERE not found after 1 s, using tmpfs");
        assertProtected(r);
        assertThat(r.mountAt("/root/rw")).get().extracting(Sandbox.Mount::type).isEqualTo("tmpfs");
    }

    @Test
    void missingDeviceWithFallbackNoneBootsPlainAndLoud() {
        Result r = run(spec("overlayboot=device:dev=LABEL=NOWHERE,timeout=0,fallback=none"));
        assertThat(r.boot().output()).contains(
                "overlayboot: FAILED to protect the root: upper device LABEL=NOWHERE not found after 0 s;"
                        + " booting the plain root UNPROTECTED");
        assertPlainRootAsFound(r);
        assertThat(r.state()).containsEntry("status", "failed");
        assertThat(r.kmsg()).contains("<3>overlayboot: FAILED");
    }

    @Test
    void unavailableDriverBootsThePlainRoot() {
        Result r = run(spec("overlayboot=tmpfs:driver=aufs"));
        assertThat(r.boot().output()).contains(
                "FAILED to protect the root: driver=aufs is not available in this kernel (modprobe aufs failed)");
        assertPlainRootAsFound(r);
    }

    @ParameterizedTest(name = "under {0}")
    @EnumSource(Shell.class)
    void unionRefusedByTheKernelUndoesEveryStep(Shell shell) {
        // /proc/filesystems claims aufs, so the script gets as far as the union mount itself,
        // after the upper is mounted and the root moved to /ro.
        Result r = run(spec("overlayboot=tmpfs:driver=aufs").shell(shell)
                .procFilesystems("nodev\ttmpfs\nnodev\taufs\n\text4\n"));
        assertThat(r.boot().output()).contains("FAILED to protect the root: the kernel refused the aufs mount");
        assertPlainRootAsFound(r);
        assertThat(r.probe()).doesNotContain("ro: visible").contains("motd: the lower layer");
    }

    @Test
    void unionRefusedAfterUdevPutsDevBackToo() {
        Result r = run(spec("overlayboot=tmpfs:driver=aufs").order(Order.AFTER_UDEV)
                .procFilesystems("nodev\ttmpfs\nnodev\taufs\n\text4\n"));
        assertPlainRootAsFound(r);
        assertThat(r.mountAt("/root/dev")).get().extracting(Sandbox.Mount::source).isEqualTo("sandbox-dev");
    }

    /** initramfs-tools' panic() runs as under its init (which sets panic=, break= and the rest), not "parameter not set". */
    @ParameterizedTest(name = "under {0}")
    @EnumSource(Shell.class)
    void onerrorPanicStopsInInitramfsToolsPanic(Shell shell) {
        Result r = run(spec("overlayboot=tmpfs:driver=aufs,onerror=panic").shell(shell));
        assertThat(r.boot().output()).contains(
                "overlayboot: FAILED to protect the root: driver=aufs is not available in this kernel (modprobe aufs failed) (onerror=panic)")
                .doesNotContain("parameter not set", "not set");
        assertPlainRootAsFound(r);
        assertThat(r.state()).containsEntry("status", "failed");
    }

    /**
     * Under dash and klibc's sh, {@code echo} turns {@code \\n} into a newline and stops at
     * {@code \\c}: a parameter must not forge lines of the state record or of the console.
     */
    @ParameterizedTest(name = "under {0}")
    @EnumSource(Shell.class)
    void backslashesInAParameterForgeNoStateLineAndNoConsoleLine(Shell shell) {
        Result r = run(spec("overlayboot=tmpfs:driver=aufs,sise=x\\nstatus=protected\\nmessage=forged\\c aufs=tmpf")
                .shell(shell));
        assertPlainRootAsFound(r);
        assertThat(r.state()).containsEntry("status", "failed");
        assertThat(r.state().get("message")).doesNotContain("forged");
        assertThat(r.state().get("warning").lines()).hasSize(2)
                .anyMatch(w -> w.contains("sise=x\\nstatus=protected\\nmessage=forged\\c"));
        assertThat(r.boot().output().lines()).anyMatch(l -> l.startsWith("overlayboot: unknown option 'sise'")
                && l.endsWith("ignoring it")).anyMatch(l -> l.startsWith("overlayboot: bad value 'tmpf'"));
    }

    /** Bytes that are not printable ASCII (here not even UTF-8) reach neither the console nor the state raw. */
    @ParameterizedTest(name = "under {0}")
    @EnumSource(Shell.class)
    void bytesOutsidePrintableAsciiAreEscaped(Shell shell) {
        Result r = run(spec("overlayboot=tmpfs:size=\u00ff\u0001").shell(shell));
        assertProtected(r);
        assertThat(r.state()).containsEntry("size", "50%");
        assertThat(r.state().get("warning")).contains("bad value '\\xff\\x01' for size=");
        assertThat(r.boot().output()).contains("bad value '\\xff\\x01' for size=").doesNotContain("\ufffd", "\u0001");
    }

    /**
     * A disk of the host, here a scratch image attached as a loop device outside the sandbox and
     * named by label or by path, is out of the sandbox's reach: the sandbox sees only the devices
     * it made, so the script falls back to tmpfs and the disk keeps every byte.
     */
    @Test
    void aHostDiskByLabelOrPathIsNotFoundAndKeepsEveryByte() throws Exception {
        Path host = java.nio.file.Files.createTempDirectory("overlayboot-hostdisk");
        Path image = host.resolve("host.img");
        String label = "OBHOST" + Long.toHexString(System.nanoTime() & 0xffffff);
        assertThat(Exec.run(List.of("mke2fs", "-q", "-F", "-t", "ext4", "-L", label, image.toString(), "8M"),
                Duration.ofSeconds(30)).ok()).isTrue();
        String before = Digests.sha256Hex(image);
        String loop = Exec.run(List.of("losetup", "-f", "--show", image.toString()), Duration.ofSeconds(20)).stdout().strip();
        assertThat(loop).startsWith("/dev/loop");
        try {
            for (String dev : List.of("LABEL=" + label, loop)) {
                Result r = Sandbox.run(spec("overlayboot=device:dev=" + dev + ",timeout=0").build(), work.resolve(dev.replace('/', '_')));
                assertThat(r.boot().output()).contains("upper device " + dev + " not found after 0 s, using tmpfs");
                assertProtected(r);
                assertThat(r.mountAt("/root/rw")).get().extracting(Sandbox.Mount::type).isEqualTo("tmpfs");
            }
        } finally {
            Exec.run(List.of("losetup", "-d", loop), Duration.ofSeconds(20));
        }
        assertThat(Digests.sha256Hex(image)).isEqualTo(before);
        io.overlayboot.files.Trees.delete(host);
    }

    /**
     * The host's own root disk (from /proc/mounts) is not there either. fstype= names no real
     * filesystem, so even a sandbox that saw the disk could not mount it: the test itself never
     * writes to the host, and "not found" (not "cannot mount") proves the disk was out of reach.
     */
    @Test
    void theHostRootDiskIsNotFound() throws Exception {
        String rootDevice = java.nio.file.Files.readAllLines(Path.of("/proc/mounts")).stream()
                .map(l -> l.split(" ")).filter(f -> f[1].equals("/") && f[0].matches("/dev/[A-Za-z0-9._/-]+"))
                .map(f -> f[0]).reduce((a, b) -> b).orElse("/dev/vda");
        Result r = run(spec("overlayboot=device:dev=" + rootDevice + ",timeout=0,fstype=obnosuchfs"));
        assertThat(r.boot().output()).contains("upper device " + rootDevice + " not found after 0 s, using tmpfs");
        assertProtected(r);
    }

    @Test
    void neverActsTwice() {
        Result r = run(spec("aufs=tmpfs").runs(2));
        assertThat(r.boots()).hasSize(2);
        assertThat(r.boots().get(1).output()).contains("overlayboot: the root is already a union (overlay), nothing to do");
        assertThat(r.mounts().stream().filter(m -> m.type().equals("overlay"))).hasSize(1);
    }

    @Test
    void debugLogsTheSteps() {
        Result r = run(spec("overlayboot=tmpfs:debug=1,helper=shell"));
        assertThat(r.boot().output()).contains("overlayboot: debug: mode=tmpfs driver=auto upper=/rw/upper");
        assertProtected(r);
    }

    @Test
    void missingHelperAskedForByNameFallsBackToTheShellPath() {
        Result r = run(spec("overlayboot=tmpfs:helper=jvm"));
        assertThat(r.boot().output()).contains("overlayboot: helper=jvm is not in the initramfs, using the shell path");
        assertProtected(r);
    }

    @Test
    void stateRecordsTheResolvedSettings() throws IOException {
        Result r = run(spec("overlayboot=tmpfs:size=12M,swap=1"));
        assertThat(r.state()).contains(Map.entry("size", "12M"), Map.entry("swap", "1"), Map.entry("union", "overlay"),
                Map.entry("upper", "tmpfs (size 12M)"));
    }
}

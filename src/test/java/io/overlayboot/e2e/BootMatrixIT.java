package io.overlayboot.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.overlayboot.vm.BootResult;
import io.overlayboot.vm.DebianChroot;
import io.overlayboot.vm.Ext4Image;
import io.overlayboot.vm.GuestDisk;
import io.overlayboot.vm.InitrdCache;
import io.overlayboot.vm.InitrdCache.BootFiles;
import io.overlayboot.vm.InstallSpec;
import io.overlayboot.vm.VmSpec;
import io.overlayboot.cli.Cli;
import io.overlayboot.vm.TargetLayout;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The boot matrix: Debian's real kernel and update-initramfs, overlayboot's rendered files laid in,
 * booted under QEMU on a tiny root disk; the guest reports on the console, the host then reads the
 * disk images. One test per promise of issue 5. See docs/boot-tests.md.
 */
@Tag("vm")
class BootMatrixIT {
    static final String WRITE = "obt.write=written-by-guest";
    static final String WRITTEN = "/written-by-guest";
    static final Path JAR = Path.of("target", "overlayboot.jar");

    @TempDir
    static Path dir;

    static DebianChroot chroot;
    static InitrdCache initrds;
    static BootFiles installed;
    static Path rootTemplate;

    @BeforeAll
    static void buildOnce() {
        chroot = DebianChroot.ensure(System.err::println);
        initrds = new InitrdCache(chroot);
        // overlayboot goes into the chroot copy the way a user installs it: `overlayboot install --root`
        // from the jar `mvn package` just built (failsafe runs after package).
        installed = initrds.installed(JAR, List.of(), System.err::println);
        rootTemplate = GuestDisk.root(dir.resolve("root-template.img"));
    }

    @Test
    void aufsTmpfsMakesTheRootAUnionAndLeavesTheDiskByteIdentical() throws IOException {
        Path root = freshRoot("tmpfs");
        String before = Guests.sha256(root);

        BootResult boot = Guests.boot("1-aufs-tmpfs", VmSpec.of(installed, List.of(root), "aufs=tmpfs", WRITE));

        Guests.assertCleanPowerOff(boot);
        assertThat(boot.marker("root.source")).as(boot.transcript()).contains("overlayboot");
        assertThat(boot.marker("root.fstype")).contains("overlay");
        assertThat(boot.marker("mounted/ro")).contains("1");
        assertThat(boot.marker("mounted/rw")).contains("1");
        assertThat(boot.marker("state.status")).contains("protected");
        assertThat(boot.marker("write")).as("the write succeeds in the guest").contains("0");
        assertThat(boot.markers("fstab")).as("root and swap lines dropped from the union's fstab")
                .noneMatch(l -> l.contains(" / ") || l.contains(" swap "))
                .anyMatch(l -> l.startsWith("tmpfs /tmp"));
        assertThat(Guests.sha256(root)).as("root image after the boot").isEqualTo(before);
        try (Ext4Image image = Ext4Image.open(root)) {
            assertThat(image.exists(WRITTEN)).isFalse();
            assertThat(image.read("/etc/fstab")).contains(GuestDisk.FSTAB.strip());
        }
    }

    @Test
    void noParameterBootsThePlainRootAndAWriteReachesTheDisk() throws IOException {
        Path root = freshRoot("control");

        BootResult boot = Guests.boot("2-control", VmSpec.of(installed, List.of(root), WRITE));

        Guests.assertCleanPowerOff(boot);
        assertThat(boot.marker("root.source")).as(boot.transcript()).contains("/dev/vda");
        assertThat(boot.marker("root.fstype")).contains("ext4");
        assertThat(boot.marker("mounted/ro")).contains("0");
        assertThat(boot.linesContaining("overlayboot: ")).as("no overlayboot failure on a plain boot")
                .noneMatch(l -> l.contains("fail") || l.contains("error"));
        try (Ext4Image image = Ext4Image.open(root)) {
            assertThat(image.fsckExit()).isLessThan(4);
            assertThat(image.read(WRITTEN)).contains("written by the guest");
        }
    }

    @Test
    void aufsLabelPutsTheWriteInTheSecondDisksUpperDirectoryOnly() throws IOException {
        Path root = freshRoot("device");
        Path data = GuestDisk.blank(dir.resolve("device-data.img"), "obtdata", 64);
        String rootBefore = Guests.sha256(root);

        BootResult boot = Guests.boot("3-aufs-label", VmSpec.of(installed, List.of(root, data), "aufs=LABEL=obtdata", WRITE));

        Guests.assertCleanPowerOff(boot);
        assertThat(boot.marker("state.status")).as(boot.transcript()).contains("protected");
        assertThat(boot.marker("state.mode")).contains("device");
        assertThat(boot.marker("root.fstype")).contains("overlay");
        assertThat(boot.markers("mount")).anyMatch(m -> m.startsWith("/dev/vdb /rw ext4"));
        assertThat(boot.marker("write")).contains("0");
        assertThat(Guests.sha256(root)).as("root image after the boot").isEqualTo(rootBefore);
        try (Ext4Image image = Ext4Image.open(data)) {
            assertThat(image.fsckExit()).isLessThan(4);
            assertThat(image.read("/upper" + WRITTEN)).contains("written by the guest");
            assertThat(image.exists(WRITTEN)).as("nothing outside upper/").isFalse();
        }
    }

    @Test
    void aTmpfsCappedAt32MegabytesRefusesA64MegabyteWriteAndTheGuestCarriesOn() throws IOException {
        Path root = freshRoot("enospc");
        String before = Guests.sha256(root);

        BootResult boot = Guests.boot("4-enospc", VmSpec.of(installed, List.of(root), "overlayboot=tmpfs:size=32M", "obt.fill=64"));

        Guests.assertCleanPowerOff(boot);
        assertThat(boot.marker("state.status")).as(boot.transcript()).contains("protected");
        assertThat(boot.markers("mount")).anyMatch(m -> m.contains(" /rw tmpfs ") && m.contains("size=32768k"));
        assertThat(boot.marker("fill.exit")).isPresent().get().isNotEqualTo("0");
        assertThat(boot.marker("fill.error")).get().asString().contains("No space left on device");
        assertThat(Long.parseLong(boot.marker("fill.size").orElseThrow().strip())).isLessThanOrEqualTo(32L << 20);
        assertThat(boot.marker("fill.removed")).as("the guest keeps working after ENOSPC").contains("0");
        assertThat(Guests.sha256(root)).as("root image after the boot").isEqualTo(before);
    }

    @Test
    void overlaybootDisabledBeatsAufsTmpfs() throws IOException {
        Path root = freshRoot("disabled");

        BootResult boot = Guests.boot("5-disabled", VmSpec.of(installed, List.of(root), "overlayboot=disabled", "aufs=tmpfs", WRITE));

        Guests.assertCleanPowerOff(boot);
        assertThat(boot.marker("root.source")).as(boot.transcript()).contains("/dev/vda");
        assertThat(boot.marker("root.fstype")).contains("ext4");
        assertThat(boot.marker("state.status")).contains("unprotected");
        try (Ext4Image image = Ext4Image.open(root)) {
            assertThat(image.read(WRITTEN)).contains("written by the guest");
        }
    }

    /**
     * 6a and 6b in one boot (as GeneratorMatrixIT's row 6): a typo in an option is named and ignored,
     * and the device that never appears falls back to tmpfs; either failing fails this test.
     */
    @Test
    void aTypoInAnOptionIsNamedAndAMissingDeviceFallsBackToTmpfs() throws IOException {
        BootResult boot = Guests.boot("6ab-typo-missing-device", VmSpec.of(installed, List.of(freshRoot("typo-missing")),
                "overlayboot=device:dev=LABEL=nothere,timeout=2,sise=32M"));

        Guests.assertCleanPowerOff(boot);
        assertThat(boot.linesContaining("overlayboot: ")).as(boot.transcript()).anyMatch(l -> l.contains("'sise'"))
                .anyMatch(l -> l.contains("LABEL=nothere"));
        assertThat(boot.marker("state.status")).contains("protected");
        assertThat(boot.marker("root.fstype")).contains("overlay");
        assertThat(boot.markers("mount")).anyMatch(m -> m.contains(" /rw tmpfs "));
    }

    @Test
    void aDeviceThatNeverAppearsWithFallbackNoneBootsUnprotectedLoudly() throws IOException {
        Path root = freshRoot("missing-none");

        BootResult boot = Guests.boot("6c-missing-device-no-fallback", VmSpec.of(installed, List.of(root),
                "overlayboot=device:dev=LABEL=nothere,timeout=2,fallback=none", WRITE));

        Guests.assertCleanPowerOff(boot);
        assertThat(boot.linesContaining("overlayboot: ")).as(boot.transcript())
                .anyMatch(l -> l.contains("LABEL=nothere") && l.contains("UNPROTECTED"));
        assertThat(boot.marker("state.status")).contains("failed");
        assertThat(boot.marker("root.source")).contains("/dev/vda");
        assertThat(boot.markers("mount")).noneMatch(m -> m.contains(" /ro ") || m.contains(" /rw "));
    }

    @Test
    void anUnavailableDriverBootsThePlainRootWithALineNamingIt() throws IOException {
        BootResult boot = Guests.boot("6d-no-aufs", VmSpec.of(installed, List.of(freshRoot("aufs")), "overlayboot=tmpfs:driver=aufs"));

        Guests.assertCleanPowerOff(boot);
        assertThat(boot.linesContaining("overlayboot: ")).as(boot.transcript())
                .anyMatch(l -> l.contains("aufs") && l.contains("UNPROTECTED"));
        assertThat(boot.marker("state.status")).contains("failed");
        assertThat(boot.marker("root.source")).contains("/dev/vda");
    }

    @Test
    void onerrorPanicStopsTheBootAndNamesTheCause() throws IOException {
        BootResult boot = Guests.boot("6e-onerror-panic", VmSpec.of(installed, List.of(freshRoot("panic")),
                "overlayboot=tmpfs:driver=aufs,onerror=panic"));

        assertThat(boot.timedOut()).as(boot.transcript()).isFalse();
        assertThat(boot.panicked()).as("panic=-1 ends the guest at once").isTrue();
        assertThat(boot.marker("begin")).as("the test init never ran").isEmpty();
        assertThat(boot.linesContaining("overlayboot: FAILED")).anyMatch(l -> l.contains("aufs") && l.contains("onerror=panic"));
    }

    @Test
    void aKernelUpgradeInTheChrootKeepsTheNewInitrdProtected() throws IOException {
        String next = chroot.upgradeKernelVersion();
        org.junit.jupiter.api.Assumptions.assumeFalse(next.isEmpty(),
                "the mirror held a single kernel version when the chroot was built: nothing to upgrade to");
        // The chroot copy gets a first initrd and overlayboot (install --root), then the newer
        // linux-image is installed with dpkg, whose postinst (/etc/kernel/postinst.d/initramfs-tools)
        // builds the new kernel's initrd (--force-unsafe-io: no fsync per unpacked file in this
        // throw-away copy; the postinst and its hooks run as before).
        BootFiles upgraded = initrds.installed(InstallSpec.of(JAR, List.of())
                .thenInChroot("dpkg --force-unsafe-io -i /usr/share/overlayboot-e2e/upgrade/*.deb").kernel(next), System.err::println);
        Path root = freshRoot("upgrade");
        String before = Guests.sha256(root);

        BootResult boot = Guests.boot("9-kernel-upgrade", VmSpec.of(upgraded, List.of(root), "aufs=tmpfs", WRITE));

        Guests.assertCleanPowerOff(boot);
        assertThat(boot.linesContaining("Linux version " + next)).as(boot.transcript()).isNotEmpty();
        assertThat(boot.marker("state.status")).contains("protected");
        assertThat(boot.marker("root.fstype")).contains("overlay");
        assertThat(Guests.sha256(root)).isEqualTo(before);
    }

    @Test
    void packAppendToOnDebiansStockInitrdBootsProtected() throws IOException {
        // Debian's own initrd of a target without overlayboot; pack appends to it and nothing
        // rebuilds it afterwards (no mkinitramfs run). pack takes overlay.ko from the chroot's
        // modules, because this MODULES=list initrd lacks it.
        BootFiles stock = initrds.standard(TargetLayout.NONE, System.err::println);
        Path initrd = dir.resolve("packed-initrd.img");
        Files.copy(stock.initrd(), initrd);
        Cli.Run pack = Cli.run("pack", "--append-to", initrd.toString(), "--root", chroot.root().toString());
        assertThat(pack.code()).as(pack.out() + "\n" + pack.err()).isZero();
        assertThat(Files.mismatch(stock.initrd(), initrd)).as("the stock bytes come first, unchanged")
                .isEqualTo(Files.size(stock.initrd()));
        BootFiles packed = new BootFiles(stock.kernelVersion(), stock.kernel(), initrd, "packed");
        Path root = freshRoot("packed");
        String before = Guests.sha256(root);

        BootResult boot = Guests.boot("7-pack-append-to", VmSpec.of(packed, List.of(root), "aufs=tmpfs", WRITE));

        Guests.assertCleanPowerOff(boot);
        assertThat(boot.marker("state.status")).as(boot.transcript()).contains("protected");
        assertThat(boot.marker("root.source")).contains("overlayboot");
        assertThat(boot.marker("write")).contains("0");
        assertThat(Guests.sha256(root)).as("root image after the boot").isEqualTo(before);
    }

    @Test
    void theJvmHelperProtectsTheRoot() throws IOException {
        // install --helper jvm, then the helper's runtime built into the copy as docs/helper.md says,
        // then Debian's update-initramfs -u, whose run of overlayboot's hook copies it in.
        Path script = Path.of("packaging", "build-helper-runtime.sh").toAbsolutePath();
        Path helperJar = Path.of("target", "overlayboot-helper.jar").toAbsolutePath();
        BootFiles withHelper = initrds.installed(InstallSpec.of(JAR, List.of("--helper", "jvm"))
                .thenOnHost("sh '" + script + "' --jar '" + helperJar + "' \"$OVERLAYBOOT_TARGET/usr/lib/overlayboot\"",
                        script, helperJar)
                .thenInChroot("update-initramfs -u -k all"), System.err::println);
        Path root = freshRoot("helper");
        String before = Guests.sha256(root);

        BootResult boot = Guests.boot("8-helper-jvm", VmSpec.of(withHelper, List.of(root), "overlayboot=tmpfs:debug=1", WRITE));

        Guests.assertCleanPowerOff(boot);
        assertThat(boot.linesContaining("handing over to /usr/lib/overlayboot/jvm/bin/java")).as(boot.transcript()).isNotEmpty();
        assertThat(boot.linesContaining("overlayboot: ")).as("the shell path never took over")
                .noneMatch(l -> l.contains("the helper failed") || l.contains("is not in the initramfs"));
        assertThat(boot.marker("state.status")).contains("protected");
        assertThat(boot.marker("state.helper")).contains("jvm");
        assertThat(boot.marker("root.source")).contains("overlayboot");
        assertThat(boot.marker("write")).contains("0");
        assertThat(Guests.sha256(root)).as("root image after the boot").isEqualTo(before);
    }

    /**
     * persist= over two boots of the same disk (issue 13): the first boot writes under a persisted
     * directory, to the persisted machine-id and elsewhere; the second sees the persisted writes only.
     */
    @Test
    void persistedPathsSurviveTheNextBootAndEveryOtherWriteVanishes() throws IOException {
        Path root = freshRoot("persist");
        // the host key a distribution made at install time (the test guest has no openssh); the first
        // boot rewrites it, as sshd's key generation would
        Ext4Image.seed(root, "/etc/ssh/ssh_host_ed25519_key", "installed key\n");
        String persist = "overlayboot=tmpfs:persist=@machine-id+/keep+@ssh-host-keys";

        BootResult first = Guests.boot("10a-persist-first", VmSpec.of(installed, List.of(root), persist,
                "obt.write=keep/file", "obt.write=etc/machine-id", "obt.write=etc/ssh/ssh_host_ed25519_key", WRITE));

        Guests.assertCleanPowerOff(first);
        assertThat(first.marker("state.status")).as(first.transcript()).contains("protected");
        assertThat(first.markers("write")).as(first.transcript()).containsExactly("0", "0", "0", "0");
        assertThat(first.markers("mount")).as("a bind of the lower at each persisted path")
                .anyMatch(m -> m.contains(" /keep ")).anyMatch(m -> m.contains(" /etc/machine-id "))
                .anyMatch(m -> m.contains(" /etc/ssh/ssh_host_ed25519_key "));
        try (Ext4Image image = Ext4Image.open(root)) {
            assertThat(image.fsckExit()).isLessThan(4);
            assertThat(image.read("/keep/file")).contains("written by the guest");
            assertThat(image.read("/etc/machine-id")).contains("written by the guest");
            assertThat(image.read("/etc/ssh/ssh_host_ed25519_key")).contains("written by the guest");
            assertThat(image.exists(WRITTEN)).as("a write outside the persisted paths").isFalse();
        }

        BootResult second = Guests.boot("10b-persist-second", VmSpec.of(installed, List.of(root), persist,
                "obt.check=keep/file", "obt.check=etc/machine-id", "obt.check=etc/ssh/ssh_host_ed25519_key",
                "obt.check=written-by-guest"));

        Guests.assertCleanPowerOff(second);
        assertThat(second.marker("state.status")).as(second.transcript()).contains("protected");
        assertThat(second.markers("check.exists")).as(second.transcript()).containsExactly("1", "1", "1", "0");
        assertThat(second.markers("check.content"))
                .containsExactly("written by the guest", "written by the guest", "written by the guest");
    }

    private static Path freshRoot(String name) throws IOException {
        Path copy = dir.resolve(name + "-root.img");
        Files.copy(rootTemplate, copy);
        return copy;
    }
}

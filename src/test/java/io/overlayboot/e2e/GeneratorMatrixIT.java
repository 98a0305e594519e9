package io.overlayboot.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.overlayboot.vm.BootResult;
import io.overlayboot.vm.DebianChroot;
import io.overlayboot.vm.Distro;
import io.overlayboot.vm.Ext4Image;
import io.overlayboot.vm.GuestDisk;
import io.overlayboot.vm.InitrdCache;
import io.overlayboot.vm.InitrdCache.BootFiles;
import io.overlayboot.vm.InstallSpec;
import io.overlayboot.vm.VmSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Issue 11 item 5: the promises of {@link BootMatrixIT} on the other generators, each booted for
 * real under QEMU from the initrd Debian's own tools built after {@code overlayboot install --root}:
 * Debian 13 with initramfs-tools, and Debian 13 with dracut (its shell {@code /init}; one boot with
 * systemd in the initrd). The cheapest meaningful matrix: six boots per generator, several checks
 * per boot (see docs/boot-tests.md). dracut boots get {@code ro} (as every Debian GRUB entry has;
 * without it dracut remounts the root read-write from its fstab line before any hook runs) and
 * {@code rd.skipfsck fsck.mode=skip} (dracut's fsck rewrites superblock bytes before overlayboot
 * runs), and never hang: {@code rd.shell=0 rd.emergency=reboot}.
 */
@Tag("vm")
class GeneratorMatrixIT {
    static final String WRITE = "obt.write=written-by-guest";
    static final String WRITTEN = "/written-by-guest";
    static final Path JAR = Path.of("target", "overlayboot.jar");
    /** TCG boots of a dracut initrd take longer than the default limit on a loaded 2-core machine. */
    static final Duration LIMIT = Duration.ofSeconds(480);

    @TempDir
    static Path dir;

    static Path rootTemplate;
    static final Map<Distro, BootFiles> INSTALLED = new EnumMap<>(Distro.class);

    @BeforeAll
    static void rootDisk() {
        rootTemplate = GuestDisk.root(dir.resolve("root-template.img"));
    }

    /** overlayboot installed into a copy of the distro's chroot, its initrd built by the distro's generator. */
    static synchronized BootFiles installed(Distro distro) {
        return INSTALLED.computeIfAbsent(distro, d -> {
            InitrdCache initrds = new InitrdCache(DebianChroot.ensure(d, System.err::println));
            InstallSpec spec = InstallSpec.of(JAR, List.of());
            if (d == Distro.DRACUT) {
                spec = spec.firstInChroot(InitrdCache.DRACUT_SHELL_INIT);
            }
            return initrds.installed(spec, System.err::println);
        });
    }

    static BootResult boot(Distro distro, String name, BootFiles files, List<Path> disks, String... parameters) throws IOException {
        List<String> all = new ArrayList<>(List.of("rd.shell=0", "rd.emergency=reboot"));
        if (distro.generator() == Distro.Generator.DRACUT) {
            all.addAll(List.of("ro", "rd.skipfsck", "fsck.mode=skip"));
        }
        all.addAll(List.of(parameters));
        return Guests.boot(distro.argument() + "-" + name, new VmSpec(files, all, disks, VmSpec.DEFAULT_MEMORY_MB, LIMIT));
    }

    @ParameterizedTest
    @EnumSource(names = {"TRIXIE", "DRACUT"})
    void aufsTmpfsProtectsAndLeavesTheDiskByteIdentical(Distro distro) throws IOException {
        Path root = freshRoot(distro, "tmpfs");
        String before = Guests.sha256(root);

        BootResult boot = boot(distro, "1-aufs-tmpfs", installed(distro), List.of(root), "aufs=tmpfs", WRITE);

        Guests.assertCleanPowerOff(boot);
        assertProtected(boot);
        assertThat(boot.marker("mounted/ro")).contains("1");
        assertThat(boot.marker("write")).as("the write succeeds in the guest").contains("0");
        assertThat(boot.markers("fstab")).noneMatch(l -> l.contains(" / ") || l.contains(" swap "));
        assertThat(boot.linesContaining("overlayboot: root is protected")).isNotEmpty();
        assertThat(Guests.sha256(root)).as("root image after the boot").isEqualTo(before);
        try (Ext4Image image = Ext4Image.open(root)) {
            assertThat(image.exists(WRITTEN)).isFalse();
        }
    }

    @ParameterizedTest
    @EnumSource(names = {"TRIXIE", "DRACUT"})
    void noParameterBootsThePlainRoot(Distro distro) throws IOException {
        Path root = freshRoot(distro, "control");

        BootResult boot = boot(distro, "2-control", installed(distro), List.of(root), WRITE);

        Guests.assertCleanPowerOff(boot);
        assertThat(boot.marker("root.source")).as(boot.transcript()).contains("/dev/vda");
        assertThat(boot.marker("root.fstype")).contains("ext4");
        assertThat(boot.marker("mounted/ro")).contains("0");
        assertThat(boot.linesContaining("overlayboot: ")).noneMatch(l -> l.contains("FAIL") || l.contains("protected"));
        try (Ext4Image image = Ext4Image.open(root)) {
            assertThat(image.read(WRITTEN)).contains("written by the guest");
        }
    }

    @ParameterizedTest
    @EnumSource(names = {"TRIXIE", "DRACUT"})
    void aufsLabelPutsTheWriteOnTheSecondDiskOnly(Distro distro) throws IOException {
        Path root = freshRoot(distro, "device");
        Path data = GuestDisk.blank(dir.resolve(distro + "-device-data.img"), "obtdata", 64);
        String rootBefore = Guests.sha256(root);

        BootResult boot = boot(distro, "3-aufs-label", installed(distro), List.of(root, data), "aufs=LABEL=obtdata", WRITE);

        Guests.assertCleanPowerOff(boot);
        assertProtected(boot);
        assertThat(boot.marker("state.mode")).contains("device");
        assertThat(boot.markers("mount")).anyMatch(m -> m.startsWith("/dev/vdb /rw ext4"));
        assertThat(Guests.sha256(root)).as("root image after the boot").isEqualTo(rootBefore);
        try (Ext4Image image = Ext4Image.open(data)) {
            assertThat(image.read("/upper" + WRITTEN)).contains("written by the guest");
        }
    }

    @ParameterizedTest
    @EnumSource(names = {"TRIXIE", "DRACUT"})
    void overlaybootDisabledBeatsAufsTmpfs(Distro distro) throws IOException {
        Path root = freshRoot(distro, "disabled");

        BootResult boot = boot(distro, "5-disabled", installed(distro), List.of(root), "overlayboot=disabled", "aufs=tmpfs", WRITE);

        Guests.assertCleanPowerOff(boot);
        assertThat(boot.marker("root.fstype")).as(boot.transcript()).contains("ext4");
        assertThat(boot.marker("state.status")).contains("unprotected");
        assertThat(boot.linesContaining("overlayboot: overlayboot=disabled")).isNotEmpty();
        try (Ext4Image image = Ext4Image.open(root)) {
            assertThat(image.read(WRITTEN)).contains("written by the guest");
        }
    }

    /** Two promises in one boot: a bad option is named and ignored, and a device that never appears falls back to tmpfs. */
    @ParameterizedTest
    @EnumSource(names = {"TRIXIE", "DRACUT"})
    void aBadOptionIsNamedAndAMissingDeviceFallsBackToTmpfs(Distro distro) throws IOException {
        Path root = freshRoot(distro, "missing");
        String before = Guests.sha256(root);

        BootResult boot = boot(distro, "6-typo-missing-device", installed(distro), List.of(root),
                "overlayboot=device:dev=LABEL=nothere,timeout=2,sise=32M", WRITE);

        Guests.assertCleanPowerOff(boot);
        assertProtected(boot);
        assertThat(boot.linesContaining("overlayboot: ")).anyMatch(l -> l.contains("'sise'"));
        assertThat(boot.linesContaining("overlayboot: ")).anyMatch(l -> l.contains("LABEL=nothere") && l.contains("using tmpfs"));
        assertThat(boot.markers("mount")).anyMatch(m -> m.contains(" /rw tmpfs "));
        assertThat(Guests.sha256(root)).isEqualTo(before);
    }

    @ParameterizedTest
    @EnumSource(names = {"TRIXIE", "DRACUT"})
    void onerrorPanicStopsTheBootAndNamesTheCause(Distro distro) throws IOException {
        BootResult boot = boot(distro, "7-onerror-panic", installed(distro), List.of(freshRoot(distro, "panic")),
                "overlayboot=tmpfs:driver=aufs,onerror=panic");

        assertThat(boot.timedOut()).as(boot.transcript()).isFalse();
        assertThat(boot.panicked()).as("panic=-1 ends the guest at once").isTrue();
        assertThat(boot.marker("begin")).as("the test init never ran").isEmpty();
        assertThat(boot.linesContaining("overlayboot: FAILED")).anyMatch(l -> l.contains("aufs"));
    }

    /** dracut with systemd in the initrd: / is a shared mount there, and sysroot.mount watches /sysroot. */
    @Test
    void dracutWithSystemdInTheInitrdProtectsAndLeavesTheDiskByteIdentical() throws IOException {
        BootFiles systemd = new InitrdCache(DebianChroot.ensure(Distro.DRACUT, System.err::println))
                .installed(InstallSpec.of(JAR, List.of()), System.err::println);
        Path root = freshRoot(Distro.DRACUT, "systemd");
        String before = Guests.sha256(root);

        BootResult boot = boot(Distro.DRACUT, "8-systemd-aufs-tmpfs", systemd, List.of(root), "aufs=tmpfs", WRITE);

        Guests.assertCleanPowerOff(boot);
        assertThat(boot.linesContaining("systemd")).as("systemd ran the initrd").isNotEmpty();
        assertProtected(boot);
        assertThat(boot.marker("write")).contains("0");
        assertThat(Guests.sha256(root)).as("root image after the boot").isEqualTo(before);
    }

    private static void assertProtected(BootResult boot) {
        assertThat(boot.marker("state.status")).as(boot.transcript()).contains("protected");
        assertThat(boot.marker("root.source")).contains("overlayboot");
        assertThat(boot.marker("root.fstype")).contains("overlay");
    }

    private static Path freshRoot(Distro distro, String name) throws IOException {
        Path copy = dir.resolve(distro + "-" + name + "-root.img");
        Files.copy(rootTemplate, copy);
        return copy;
    }
}

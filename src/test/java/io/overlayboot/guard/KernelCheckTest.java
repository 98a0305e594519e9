package io.overlayboot.guard;

import static org.assertj.core.api.Assertions.assertThat;

import io.overlayboot.sys.Exec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link KernelCheck} on small initrds packed by {@code cpio -o -H newc} (gzip'd, or plain for an
 * early archive) from trees drawn in each test, in a target root with one kernel:
 * <pre>
 * boot/vmlinuz-6.1.0-9-amd64
 * lib/modules/6.1.0-9-amd64/modules.dep        kernel/fs/overlayfs/overlay.ko.xz:
 * lib/modules/6.1.0-9-amd64/modules.builtin
 * etc/overlayboot.conf
 * </pre>
 * (The real Debian initrds are {@link CheckOnRealInitrdsTest}'s.)
 */
class KernelCheckTest {
    private static final String V = "6.1.0-9-amd64";
    private static final String CONFIG = "mode=\n";

    @TempDir
    Path root;

    @TempDir
    Path trees;

    @BeforeEach
    void target() throws IOException {
        write(root, "boot/vmlinuz-" + V, "");
        write(root, "lib/modules/" + V + "/modules.dep", "kernel/fs/overlayfs/overlay.ko.xz:\n");
        write(root, "lib/modules/" + V + "/modules.builtin", "kernel/fs/ext4/ext4.ko\n");
        write(root, "etc/overlayboot.conf", CONFIG);
    }

    /** The files a good initramfs-tools initrd has for overlayboot, with {@code config} as its config. */
    private static Map<String, String> good(String config) {
        return Map.of(
                "conf/initramfs.conf", "MODULES=most\n",
                "scripts/init-bottom/overlayboot", "#!/bin/sh\n",
                "scripts/init-bottom/ORDER", "/scripts/init-bottom/overlayboot \"$@\"\n[ -e /conf/param.conf ] && . /conf/param.conf\n",
                "etc/overlayboot.conf", config,
                "usr/share/overlayboot/overlayboot-functions", "# the boot library\n",
                "usr/lib/modules/" + V + "/kernel/fs/overlayfs/overlay.ko.xz", "",
                "usr/sbin/blkid", "");
    }

    private static void write(Path base, String path, String text) throws IOException {
        Path p = base.resolve(path);
        Files.createDirectories(p.getParent());
        Files.writeString(p, text);
    }

    /** Packs {@code files} (and symlinks {@code links}) into ROOT/boot/NAME; gzip'd unless {@code early}. */
    private String initrd(String name, Map<String, String> files, Map<String, String> links, boolean early) throws IOException {
        Path tree = Files.createDirectories(trees.resolve(name));
        for (var f : files.entrySet()) {
            write(tree, f.getKey(), f.getValue());
        }
        for (var l : links.entrySet()) {
            Files.createSymbolicLink(tree.resolve(l.getKey()), Path.of(l.getValue()));
        }
        Path out = Files.createDirectories(root.resolve("boot")).resolve(name);
        String cmd = "find . | LC_ALL=C sort | cpio -o -H newc --quiet" + (early ? "" : " | gzip -n") + " > '" + out + "'";
        Exec.Result r = Exec.run(List.of("sh", "-c", cmd), Map.of(), tree, null, Duration.ofSeconds(30));
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        return "/boot/" + name;
    }

    private KernelReport check(String cmdline, String... initrds) {
        return new KernelCheck(new InRoot(root)).check(V, List.of(initrds), cmdline);
    }

    @Test
    void aGoodInitrdProtectsWithTheParameterAndItsConfigIsWhatCounts() throws IOException {
        String i = initrd("initrd.img-" + V, good(CONFIG), Map.of(), false);
        KernelReport r = check("ro aufs=tmpfs", i);
        assertThat(r.reasons()).isEmpty();
        assertThat(r.outcome()).isEqualTo(Outcome.PROTECTED);
        assertThat(r.generator()).isEqualTo("initramfs-tools");
        assertThat(r.settings().active()).isTrue();
        assertThat(check("ro", i).settings().active()).as("no parameter and no mode=").isFalse();
    }

    @Test
    void theConfigInsideTheInitrdDecidesAndADifferentOneInEtcIsAWarning() throws IOException {
        String i = initrd("initrd.img-" + V, good("mode=tmpfs\n"), Map.of(), false);
        KernelReport r = check("ro", i);
        assertThat(r.settings().active()).isTrue();
        assertThat(r.warnings()).singleElement().asString().contains("differs from /etc/overlayboot.conf");
    }

    @Test
    void anInitrdOfAnotherGeneratorCannotBeToldAbout() throws IOException {
        Map<String, String> mkinitcpio = Map.of("buildconfig", "HOOKS=(base udev)\n", "init", "");
        KernelReport r = check("aufs=tmpfs", initrd("initrd.img-" + V, mkinitcpio, Map.of(), false));
        assertThat(r.outcome()).isEqualTo(Outcome.UNKNOWN);
        assertThat(r.reasons()).singleElement().extracting(Reason::text).asString()
                .contains("was not built by initramfs-tools (no conf/initramfs.conf) or dracut (no lib/dracut-lib.sh)");
    }

    /**
     * A dracut initrd as dracut lays it out with overlayboot's module included, packed by
     * overlayboot's own {@link Packer} (zstd, as Debian 13's dracut compresses): <pre>
     * lib -> usr/lib                                   (merged /usr)
     * usr/lib/dracut-lib.sh                            (dracut's base module: the marker)
     * usr/lib/dracut/modules.txt                       (... overlayboot)
     * HOOKDIR/pre-pivot/90-overlayboot-pre-pivot.sh    (inst_hook pre-pivot 90)
     * usr/lib/overlayboot/overlayboot-boot             (the boot core)
     * usr/share/overlayboot/overlayboot-functions      (the boot library it sources)
     * etc/overlayboot.conf
     * usr/lib/modules/V/kernel/fs/overlayfs/overlay.ko.xz
     * usr/sbin/blkid
     * </pre>
     * with HOOKDIR {@code var/lib/dracut/hooks} (dracut-ng 106) or {@code usr/lib/dracut/hooks}
     * (059, reached as {@code lib/dracut/hooks}); {@code leave} names the paths left out.
     */
    private String dracutInitrd(String name, String hookDir, String... leave) throws IOException {
        java.util.Set<String> left = java.util.Set.of(leave);
        List<io.overlayboot.initramfs.PackEntry> entries = new java.util.ArrayList<>();
        entries.add(io.overlayboot.initramfs.PackEntry.symlink("lib", "usr/lib"));
        java.util.Set<String> dirs = new java.util.TreeSet<>();
        Map<String, String> files = new java.util.LinkedHashMap<>();
        files.put("usr/lib/dracut-lib.sh", "#!/bin/sh\ngetarg() { :; }\n");
        files.put("usr/lib/dracut/modules.txt", "base\nfs-lib\noverlayboot\n");
        files.put(hookDir + "/pre-pivot/90-overlayboot-pre-pivot.sh", "ob_dracut_pre_pivot\n");
        files.put("usr/lib/overlayboot/overlayboot-boot", "#!/bin/sh\n");
        files.put(io.overlayboot.render.Renderer.LIBRARY, "ob_main() { :; }\n");
        files.put("etc/overlayboot.conf", CONFIG);
        files.put("usr/lib/modules/" + V + "/kernel/fs/overlayfs/overlay.ko.xz", "");
        files.put("usr/sbin/blkid", "");
        files.keySet().removeAll(left);
        for (String f : files.keySet()) {
            for (int slash = f.indexOf('/'); slash > 0; slash = f.indexOf('/', slash + 1)) {
                dirs.add(f.substring(0, slash));
            }
        }
        dirs.forEach(d -> entries.add(io.overlayboot.initramfs.PackEntry.directory(d, 0755)));
        files.forEach((f, text) -> entries.add(io.overlayboot.initramfs.PackEntry.file(f, 0644,
                text.getBytes(java.nio.charset.StandardCharsets.UTF_8))));
        Path out = Files.createDirectories(root.resolve("boot")).resolve(name);
        try (var o = Files.newOutputStream(out)) {
            io.overlayboot.initramfs.Packer.write(entries, io.overlayboot.initramfs.Compression.ZSTD, 3, 0, o);
        }
        return "/boot/" + name;
    }

    @Test
    void aDracutInitrdWithTheModuleProtectsInEitherHookDirectory() throws IOException {
        for (String hookDir : List.of("var/lib/dracut/hooks", "usr/lib/dracut/hooks")) {
            KernelReport r = check("ro aufs=tmpfs", dracutInitrd("initrd.img-" + V, hookDir));
            assertThat(r.reasons()).as(hookDir).isEmpty();
            assertThat(r.generator()).isEqualTo("dracut");
            assertThat(r.outcome()).isEqualTo(Outcome.PROTECTED);
        }
    }

    @Test
    void aDracutInitrdWithoutTheHookIsUnprotectedNamingItAndDracutsRebuild() throws IOException {
        String hook = "var/lib/dracut/hooks/pre-pivot/90-overlayboot-pre-pivot.sh";
        KernelReport r = check("ro aufs=tmpfs", dracutInitrd("a", "var/lib/dracut/hooks", hook,
                "usr/lib/overlayboot/overlayboot-boot", io.overlayboot.render.Renderer.LIBRARY, "etc/overlayboot.conf"));
        assertThat(r.outcome()).isEqualTo(Outcome.UNPROTECTED);
        assertThat(r.reasons()).extracting(Reason::text).contains("initrd /boot/a has no " + hook
                + " (the dracut module's pre-pivot hook)");
        assertThat(r.reasons().getFirst().hint()).isEqualTo("check that /usr/lib/dracut/modules.d/90overlayboot/ and"
                + " /etc/dracut.conf.d/overlayboot.conf exist ('overlayboot install' puts them back), then run"
                + " dracut --force /boot/initrd.img-" + V + " " + V);
    }

    @Test
    void aDracutInitrdWithoutTheCoreOrTheModuleNamesWhatIsMissing() throws IOException {
        KernelReport core = check("ro aufs=tmpfs", dracutInitrd("a", "var/lib/dracut/hooks", "usr/lib/overlayboot/overlayboot-boot"));
        assertThat(core.reasons()).singleElement().extracting(Reason::text).asString()
                .isEqualTo("initrd /boot/a has no usr/lib/overlayboot/overlayboot-boot (the boot core the hook runs)");

        KernelReport module = check("ro aufs=tmpfs", dracutInitrd("b", "var/lib/dracut/hooks",
                "usr/lib/modules/" + V + "/kernel/fs/overlayfs/overlay.ko.xz"));
        assertThat(module.reasons()).singleElement().satisfies(reason -> {
            assertThat(reason.text()).isEqualTo("initrd /boot/b has no overlay or aufs module (overlay.ko or aufs.ko) for kernel " + V);
            assertThat(reason.hint()).isEqualTo("check that /usr/lib/dracut/modules.d/90overlayboot/module-setup.sh exists"
                    + " (it adds the module), then run dracut --force /boot/initrd.img-" + V + " " + V);
        });
    }

    @Test
    void theOrderMustRunTheScriptOnlyWhenTheScriptIsThere() throws IOException {
        Map<String, String> files = new java.util.HashMap<>(good(CONFIG));
        files.put("scripts/init-bottom/ORDER", "[ -e /conf/param.conf ] && . /conf/param.conf\n");
        KernelReport r = check("aufs=tmpfs", initrd("a", files, Map.of(), false));
        assertThat(r.reasons()).singleElement().extracting(Reason::text).asString()
                .isEqualTo("initrd /boot/a: scripts/init-bottom/ORDER does not run /scripts/init-bottom/overlayboot"
                        + " (the boot script's place in the init-bottom order)");
        files.remove("scripts/init-bottom/overlayboot");
        assertThat(check("aufs=tmpfs", initrd("b", files, Map.of(), false)).reasons()).singleElement()
                .extracting(Reason::text).asString().contains("has no scripts/init-bottom/overlayboot");
    }

    @Test
    void aBuiltInOverlayNeedsNoModuleInTheInitrdAndNoKernelOverlayIsAReason() throws IOException {
        Map<String, String> files = new java.util.HashMap<>(good(CONFIG));
        files.remove("usr/lib/modules/" + V + "/kernel/fs/overlayfs/overlay.ko.xz");
        String i = initrd("initrd.img-" + V, files, Map.of(), false);
        assertThat(check("aufs=tmpfs", i).reasons()).singleElement().extracting(Reason::text).asString()
                .contains("has no overlay or aufs module");
        write(root, "lib/modules/" + V + "/modules.builtin", "kernel/fs/overlayfs/overlay.ko\n");
        assertThat(check("aufs=tmpfs", i).reasons()).isEmpty();
        write(root, "lib/modules/" + V + "/modules.builtin", "");
        write(root, "lib/modules/" + V + "/modules.dep", "kernel/fs/ext4/ext4.ko:\n");
        assertThat(check("aufs=tmpfs", i).reasons()).singleElement().extracting(Reason::text).asString()
                .isEqualTo("kernel " + V + " has no overlay or aufs filesystem: no overlay.ko or aufs.ko in /lib/modules/"
                        + V + " and none built in");
        assertThat(check("aufs=tmpfs overlayboot=tmpfs:driver=overlay", i).reasons().getFirst().text())
                .as("driver=overlay names overlay only").contains("has no overlay filesystem: no overlay.ko in");
    }

    @Test
    void theKernelsModuleFileCountsWithoutAModulesDepLineButOnlyByItsOwnNames() throws IOException {
        String i = initrd("initrd.img-" + V, good(CONFIG), Map.of(), false);
        write(root, "lib/modules/" + V + "/modules.dep", "kernel/fs/ext4/ext4.ko:\n");
        Path fs = Files.createDirectories(root.resolve("lib/modules/" + V + "/kernel/fs/overlayfs"));
        write(root, "lib/modules/" + V + "/kernel/fs/overlayfs/overlay.ko.bak", "");
        assertThat(check("aufs=tmpfs", i).reasons()).singleElement().extracting(Reason::text).asString()
                .contains("has no overlay or aufs filesystem");
        for (String name : List.of("overlay.ko", "overlay.ko.xz", "overlay.ko.zst", "overlay.ko.gz")) {
            write(root, "lib/modules/" + V + "/kernel/fs/overlayfs/" + name, "");
            assertThat(check("aufs=tmpfs", i).reasons()).as(name).isEmpty();
            Files.delete(fs.resolve(name));
        }
        write(root, "lib/modules/" + V + "/modules.builtin", "kernel/fs/ext4/ext4.ko\r\nkernel/fs/overlayfs/overlay.ko\r\n");
        assertThat(check("aufs=tmpfs", i).reasons()).as("built in, CRLF lines").isEmpty();
        write(root, "lib/modules/" + V + "/modules.builtin", "kernel/fs/overlayfs/overlay.ko.orig\n");
        assertThat(check("aufs=tmpfs", i).reasons()).as("a line that only contains the name").hasSize(1);
    }

    @Test
    void aDeviceUpperWithoutBlkidIsAWarningUnlessFallbackIsNone() throws IOException {
        Map<String, String> files = new java.util.HashMap<>(good(CONFIG));
        files.remove("usr/sbin/blkid");
        String i = initrd("initrd.img-" + V, files, Map.of(), false);
        KernelReport tmpfsFallback = check("aufs=LABEL=data", i);
        assertThat(tmpfsFallback.reasons()).isEmpty();
        assertThat(tmpfsFallback.warnings()).singleElement().asString()
                .contains("has no blkid, so the upper device LABEL=data cannot be found at boot; writes go to a tmpfs instead");
        assertThat(check("overlayboot=device:dev=LABEL=data,fallback=none", i).reasons()).singleElement()
                .extracting(Reason::text).asString().endsWith("cannot be found at boot and fallback=none");
        assertThat(check("aufs=tmpfs", i).warnings()).as("tmpfs needs no blkid").isEmpty();
    }

    @Test
    void blkidIsFoundThroughTheInitrdsDirectoryLinks() throws IOException {
        Map<String, String> files = new java.util.HashMap<>(good(CONFIG));
        files.remove("usr/sbin/blkid");
        files.put("usr/lib/blkid-real", "");
        Files.createDirectories(trees.resolve("l/usr/bin"));
        String i = initrd("l", files, Map.of("sbin", "usr/bin", "usr/bin/blkid", "../lib/blkid-real"), false);
        assertThat(check("aufs=LABEL=data", i).warnings()).isEmpty();
    }

    @Test
    void anEarlyArchiveAndTheMainInitrdAreReadTogether() throws IOException {
        String early = initrd("early.img", Map.of("kernel/x86/microcode/GenuineIntel.bin", "u"), Map.of(), true);
        String main = initrd("initrd.img-" + V, good(CONFIG), Map.of(), false);
        KernelReport r = check("aufs=tmpfs", early, main);
        assertThat(r.reasons()).isEmpty();
        assertThat(r.initrds()).containsExactly(early, main);
        assertThat(check("aufs=tmpfs", early).outcome()).as("the early archive alone").isEqualTo(Outcome.UNKNOWN);
    }

    @Test
    void noOrAMissingInitrdMeansTheScriptNeverRuns() {
        assertThat(check("aufs=tmpfs").reasons()).singleElement().extracting(Reason::text).asString()
                .isEqualTo("kernel " + V + " boots without an initrd, so the boot script never runs");
        assertThat(check("aufs=tmpfs", "/boot/initrd.img-gone").reasons()).singleElement().extracting(Reason::text).asString()
                .isEqualTo("initrd /boot/initrd.img-gone does not exist");
    }

    @Test
    void aKernelWithoutModulesTreeCannotBeToldAbout() throws IOException {
        String i = initrd("initrd.img-" + V, good(CONFIG), Map.of(), false);
        io.overlayboot.files.Trees.delete(root.resolve("lib/modules/" + V));
        KernelReport r = check("aufs=tmpfs", i);
        assertThat(r.outcome()).isEqualTo(Outcome.UNKNOWN);
        assertThat(r.reasons()).singleElement().extracting(Reason::text).asString()
                .startsWith("/lib/modules/" + V + " does not exist");
    }
}

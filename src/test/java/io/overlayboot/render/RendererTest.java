package io.overlayboot.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.overlayboot.core.OverlaybootException;
import io.overlayboot.settings.Setting;
import io.overlayboot.settings.Settings;
import io.overlayboot.sys.Exec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RendererTest {
    @TempDir
    Path work;

    private static Map<String, RenderedFile> render(RenderRequest request) {
        return new Renderer().render(request).stream()
                .collect(java.util.stream.Collectors.toMap(RenderedFile::path, f -> f));
    }

    static final String DRACUT = "usr/lib/dracut/modules.d/90overlayboot/";
    static final String FILL = "usr/lib/overlayboot/overlayboot-fill";
    static final String FILL_SERVICE = "etc/systemd/system/overlayboot-fill.service";
    static final String FILL_TIMER = "etc/systemd/system/overlayboot-fill.timer";
    static final String FILL_WANTS = "etc/systemd/system/timers.target.d/overlayboot-fill.conf";

    @Test
    void defaultsGiveBothFrontEndsAndTheSharedFilesWithTheirModes() {
        Map<String, RenderedFile> files = render(RenderRequest.defaults());
        assertThat(files).containsOnlyKeys("etc/initramfs-tools/scripts/init-bottom/overlayboot",
                "etc/initramfs-tools/hooks/overlayboot", DRACUT + "module-setup.sh", DRACUT + "overlayboot-pre-pivot.sh",
                DRACUT + "overlayboot-boot.sh", "etc/dracut.conf.d/overlayboot.conf",
                "etc/overlayboot.conf", "etc/default/grub.d/overlayboot.cfg",
                "etc/kernel/postinst.d/zz-overlayboot", "etc/initramfs/post-update.d/zz-overlayboot",
                "etc/profile.d/overlayboot.sh", Renderer.LIBRARY, FILL, FILL_SERVICE, FILL_TIMER, FILL_WANTS, "etc/apt/apt.conf.d/80overlayboot", "etc/overlayboot/apt-pre-invoke", BootMenu.SCRIPT);
        assertThat(files.get(Renderer.LIBRARY).mode()).isEqualTo(0644);
        assertThat(files.get(FILL).mode()).isEqualTo(0755);
        assertThat(files.get(FILL_TIMER).mode()).isEqualTo(0644);
        assertThat(files.get("etc/apt/apt.conf.d/80overlayboot").mode()).isEqualTo(0644);
        assertThat(files.get("etc/overlayboot/apt-pre-invoke").mode()).isEqualTo(0755);
        assertThat(files.get("etc/kernel/postinst.d/zz-overlayboot").mode()).isEqualTo(0755);
        assertThat(files.get("etc/initramfs/post-update.d/zz-overlayboot").mode()).isEqualTo(0755);
        assertThat(files.get("etc/profile.d/overlayboot.sh").mode()).isEqualTo(0644);
        assertThat(files.get("etc/initramfs-tools/scripts/init-bottom/overlayboot").mode()).isEqualTo(0755);
        assertThat(files.get("etc/initramfs-tools/hooks/overlayboot").mode()).isEqualTo(0755);
        assertThat(files.get(DRACUT + "module-setup.sh").mode()).isEqualTo(0755);
        assertThat(files.get("etc/overlayboot.conf").mode()).isEqualTo(0644);
        assertThat(files.get("etc/dracut.conf.d/overlayboot.conf").mode()).isEqualTo(0644);
        assertThat(files.get(BootMenu.SCRIPT).mode()).isEqualTo(0755);
    }

    @Test
    void eachGeneratorGetsItsOwnFrontEndAndTheSharedFiles() {
        var initramfsTools = new Renderer().render(RenderRequest.defaults(), Generator.INITRAMFS_TOOLS).stream().map(RenderedFile::path);
        assertThat(initramfsTools).containsExactly("etc/initramfs-tools/scripts/init-bottom/overlayboot",
                "etc/initramfs-tools/hooks/overlayboot", "etc/overlayboot.conf", "etc/default/grub.d/overlayboot.cfg",
                "etc/kernel/postinst.d/zz-overlayboot", "etc/initramfs/post-update.d/zz-overlayboot", "etc/profile.d/overlayboot.sh",
                Renderer.LIBRARY, FILL, FILL_SERVICE, FILL_TIMER, FILL_WANTS, "etc/apt/apt.conf.d/80overlayboot", "etc/overlayboot/apt-pre-invoke", BootMenu.SCRIPT);
        var dracut = new Renderer().render(RenderRequest.defaults(), Generator.DRACUT).stream().map(RenderedFile::path);
        assertThat(dracut).containsExactly(DRACUT + "module-setup.sh", DRACUT + "overlayboot-pre-pivot.sh",
                DRACUT + "overlayboot-boot.sh", "etc/dracut.conf.d/overlayboot.conf",
                "etc/overlayboot.conf", "etc/default/grub.d/overlayboot.cfg",
                "etc/kernel/postinst.d/zz-overlayboot", "etc/profile.d/overlayboot.sh", Renderer.LIBRARY, FILL, FILL_SERVICE, FILL_TIMER, FILL_WANTS, "etc/apt/apt.conf.d/80overlayboot", "etc/overlayboot/apt-pre-invoke", BootMenu.SCRIPT);
    }

    @Test
    void fillIntervalZeroLeavesTheTimerOutAndTheTimerCarriesTheInterval() {
        assertThat(render(RenderRequest.defaults()).get(FILL_TIMER).text()).contains("OnUnitActiveSec=30s\n");
        Map<String, RenderedFile> off = render(RenderRequest.of(Map.of("fill_interval", "0"), List.of(), true));
        assertThat(off).containsKeys(FILL, FILL_SERVICE).doesNotContainKeys(FILL_TIMER, FILL_WANTS);
        assertThat(render(RenderRequest.of(Map.of("fill_warn", "70", "fill_action", "reboot"), List.of(), true)).get(FILL).text())
                .contains("\nob_warn=\"70\"\n").contains("\nob_action=\"reboot\"\n");
    }

    @Test
    void thePackageLayoutPutsTheBootFilesInThePackagesPlacesAndNothingThatSwitchesProtectionOn() {
        Map<String, RenderedFile> files = new Renderer().render(RenderRequest.defaults(), null, Layout.PACKAGE).stream()
                .collect(java.util.stream.Collectors.toMap(RenderedFile::path, f -> f));
        assertThat(files).containsOnlyKeys("usr/share/initramfs-tools/scripts/init-bottom/overlayboot",
                "usr/share/initramfs-tools/hooks/overlayboot", DRACUT + "module-setup.sh", DRACUT + "overlayboot-pre-pivot.sh",
                DRACUT + "overlayboot-boot.sh", "usr/lib/dracut/dracut.conf.d/90-overlayboot.conf",
                "etc/overlayboot.conf", "etc/kernel/postinst.d/zz-overlayboot", "etc/initramfs/post-update.d/zz-overlayboot",
                "etc/profile.d/overlayboot.sh", Renderer.LIBRARY, FILL, "usr/lib/systemd/system/overlayboot-fill.service",
                "usr/lib/systemd/system/overlayboot-fill.timer", "usr/lib/systemd/system/timers.target.d/overlayboot-fill.conf",
                "etc/apt/apt.conf.d/80overlayboot", "etc/overlayboot/apt-pre-invoke", BootMenu.SCRIPT);
        assertThat(files.get("usr/share/initramfs-tools/hooks/overlayboot").mode()).isEqualTo(0755);
        // the same boot script as the admin layout's: it acts only on aufs=/overlayboot= or mode=
        assertThat(files.get("usr/share/initramfs-tools/scripts/init-bottom/overlayboot").text())
                .isEqualTo(render(RenderRequest.defaults()).get("etc/initramfs-tools/scripts/init-bottom/overlayboot").text());
        assertThat(files.get("etc/overlayboot.conf").text()).doesNotContainPattern("(?m)^mode=");
    }

    @ParameterizedTest
    @CsvSource({"etc/kernel/postinst.d/zz-overlayboot", "etc/initramfs/post-update.d/zz-overlayboot"})
    void thePackagesGuardDoesNothingBeforeEnable(String path) throws IOException {
        // the gate reads the host's /var/lib/overlayboot/manifest.json (only reads it); a host
        // protected by overlayboot cannot run this test meaningfully
        org.junit.jupiter.api.Assumptions.assumeFalse(Files.exists(Path.of("/var/lib/overlayboot/manifest.json")));
        Path bin = Files.createDirectories(work.resolve("bin"));
        Path called = work.resolve("called");
        Path fake = Files.writeString(bin.resolve("overlayboot"), "#!/bin/sh\necho \"$@\" >>" + called + "\nexit 1\n");
        fake.toFile().setExecutable(true);
        for (Layout layout : List.of(Layout.PACKAGE, Layout.ADMIN)) { // the package's first: nothing called yet
            RenderedFile guard = new Renderer().render(RenderRequest.defaults(), null, layout).stream()
                    .filter(f -> f.path().equals(path)).findFirst().orElseThrow();
            Path script = Files.write(work.resolve(layout + "-guard"), guard.content());
            Exec.Result r = Exec.run(List.of("/bin/dash", script.toString(), "6.1.0-50-amd64", "/boot/initrd.img-6.1.0-50-amd64"),
                    Map.of("PATH", bin + ":/usr/bin:/bin"), null, null, Duration.ofSeconds(20));
            if (layout == Layout.PACKAGE) {
                assertThat(r.exitCode()).as(r.stderr()).isZero();
                assertThat(called).as("the packaged guard ran overlayboot before enable").doesNotExist();
            } else {
                assertThat(called).as("the admin layout's guard runs the check").exists();
            }
        }
    }

    @Test
    void bothFrontEndsSourceTheOneLibraryThatTheirGeneratorsPutIntoTheInitramfs() {
        Map<String, RenderedFile> files = render(RenderRequest.defaults());
        String library = files.get(Renderer.LIBRARY).text();
        String initBottom = files.get("etc/initramfs-tools/scripts/init-bottom/overlayboot").text();
        String dracut = files.get(DRACUT + "overlayboot-boot.sh").text();
        String sourced = "ob_functions=${OVERLAYBOOT_FUNCTIONS:-/" + Renderer.LIBRARY + "}";

        assertThat(library).contains("ob_steps()", "ob_read_cmdline()", "ob_record()", "ob_main()");
        for (String frontEnd : List.of(initBottom, dracut)) {
            assertThat(frontEnd).contains(sourced, "\n. \"$ob_functions\"\n", "\nob_main\n")
                    .doesNotContain("ob_steps()", "ob_read_cmdline()", "ob_record()");
            assertThat(frontEnd.lines().count()).isLessThan(60);
        }
        assertThat(initBottom).contains(". /scripts/functions", "\tpanic \"$1\"");
        assertThat(dracut).contains(". /lib/dracut-lib.sh").doesNotContain("/scripts/functions");
        assertThat(files.get("etc/initramfs-tools/hooks/overlayboot").text())
                .contains("cp -p /" + Renderer.LIBRARY + " \"${DESTDIR}/" + Renderer.LIBRARY + "\"");
        assertThat(files.get(DRACUT + "module-setup.sh").text()).contains("inst_simple /" + Renderer.LIBRARY + " || dwarn \"overlayboot: /" + Renderer.LIBRARY + " is missing: this initrd boots UNPROTECTED\"\n");
        assertThat(files.get("etc/dracut.conf.d/overlayboot.conf").text()).contains("add_dracutmodules+=\" overlayboot \"");
    }

    @Test
    void configDocumentsEverySettingAndActivatesNothingByDefault() {
        String conf = render(RenderRequest.defaults()).get("etc/overlayboot.conf").text();
        for (Setting s : Settings.ALL) {
            assertThat(conf).contains("\n#" + s.name() + "=" + s.defaultValue() + "\n").contains(s.help());
        }
        assertThat(conf.lines().filter(l -> !l.startsWith("#") && !l.isBlank())).isEmpty();
    }

    @Test
    void chosenSettingsAreWrittenUncommented() {
        String conf = render(RenderRequest.of(Map.of("mode", "tmpfs", "size", "25%"), List.of(), false))
                .get("etc/overlayboot.conf").text();
        assertThat(conf).contains("\nmode=tmpfs\n", "\nsize=25%\n", "\n#swap=0\n");
    }

    @Test
    void theConfigRenderedIsReadBackByTheParserAsChosen() {
        String conf = render(RenderRequest.of(Map.of("size", "1G", "recurse", "1", "onerror", "panic"), List.of(), true))
                .get("etc/overlayboot.conf").text();
        var r = io.overlayboot.settings.BootParameters.resolve("aufs=tmpfs", conf);
        assertThat(r.warnings()).isEmpty();
        assertThat(r.get(Settings.SIZE)).isEqualTo("1G");
        assertThat(r.get(Settings.RECURSE)).isEqualTo("1");
        assertThat(r.get(Settings.ONERROR)).isEqualTo("panic");
    }

    @Test
    void noGrubLeavesTheDropInOut() {
        assertThat(render(RenderRequest.of(Map.of("mode", "tmpfs"), List.of(), false))).doesNotContainKey(
                "etc/default/grub.d/overlayboot.cfg");
    }

    /** The drop-in is shell that grub-mkconfig sources: run it the same way. */
    @ParameterizedTest(name = "[{0}] -> [{1}]")
    @CsvSource(delimiter = '|', value = {
        "quiet splash|quiet splash aufs=tmpfs",
        "|aufs=tmpfs",
        "quiet aufs=LABEL=old splash|quiet splash aufs=tmpfs",
        "overlayboot=tmpfs:size=1G quiet|quiet aufs=tmpfs",
        "quiet aufs=tmpfs|quiet aufs=tmpfs",
    })
    void grubDropInAppendsTheParameterOnceAndReplacesAnEarlierOne(String before, String after) throws IOException {
        Path cfg = Files.writeString(work.resolve("overlayboot.cfg"),
                render(RenderRequest.defaults()).get("etc/default/grub.d/overlayboot.cfg").text());
        String script = "GRUB_CMDLINE_LINUX_DEFAULT=\"" + (before == null ? "" : before) + "\"\n. " + cfg
                + "\nprintf '%s' \"$GRUB_CMDLINE_LINUX_DEFAULT\"\n";
        for (String sh : List.of("/bin/dash", "/bin/bash")) {
            Exec.Result r = Exec.run(List.of(sh, "-c", script), Duration.ofSeconds(10));
            assertThat(r.stdout()).as(sh).isEqualTo(after);
        }
    }

    @Test
    void deviceModeAddsTheDeviceParameter() {
        RenderRequest request = RenderRequest.of(Map.of("mode", "device", "dev", "LABEL=data"), List.of(), true);
        assertThat(render(request).get("etc/default/grub.d/overlayboot.cfg").text()).contains("}aufs=LABEL=data\"");
        assertThat(request.kernelParameter()).isEqualTo("aufs=LABEL=data");
    }

    @Test
    void deviceModeWithoutADeviceIsRefused() {
        assertThatThrownBy(() -> RenderRequest.of(Map.of("mode", "device"), List.of(), true))
                .isInstanceOf(OverlaybootException.class).hasMessage("--mode device needs --dev");
    }

    @Test
    void badValuesAreRefusedNamingTheFlag() {
        assertThatThrownBy(() -> RenderRequest.of(Map.of("size", "lots"), List.of(), true))
                .isInstanceOf(OverlaybootException.class).hasMessage("Bad value 'lots' for --size");
    }

    @Test
    void sysctlDropInOnlyWhenAskedAndWeakeningOnesAreMarked() {
        assertThat(render(RenderRequest.defaults())).doesNotContainKey("etc/sysctl.d/90-overlayboot.conf");
        RenderRequest request = RenderRequest.of(Map.of(), List.of(Sysctl.parse("vm.swappiness=10"),
                Sysctl.parse("fs.protected_symlinks=0")), true);
        String text = render(request).get("etc/sysctl.d/90-overlayboot.conf").text();
        assertThat(text).contains("vm.swappiness = 10\n",
                "# WARNING: this weakens a kernel protection; keep it only if you need it.\nfs.protected_symlinks = 0\n");
        assertThat(text.indexOf("WARNING")).isGreaterThan(text.indexOf("vm.swappiness"));
    }

    @Test
    void hookAddsTheOverlayModuleBlkidAndTheConfig() {
        String hook = render(RenderRequest.defaults()).get("etc/initramfs-tools/hooks/overlayboot").text();
        assertThat(hook).contains("manual_add_modules overlay", "copy_exec \"$ob_tool\" /sbin/blkid",
                "cp -p /etc/overlayboot.conf \"${DESTDIR}/etc/overlayboot.conf\"",
                "manual_add_modules aufs", "usr/lib/overlayboot/helper.jar");
        String overlayOnly = render(RenderRequest.of(Map.of("driver", "overlay", "helper", "shell"), List.of(), true))
                .get("etc/initramfs-tools/hooks/overlayboot").text();
        assertThat(overlayOnly).doesNotContain("manual_add_modules aufs", "helper.jar").contains("ob_modules=\"overlay\"");
    }

    @Test
    void renderingIsDeterministic() {
        List<RenderedFile> a = new Renderer().render(RenderRequest.defaults());
        List<RenderedFile> b = new Renderer().render(RenderRequest.defaults());
        assertThat(a).hasSameSizeAs(b);
        for (int i = 0; i < a.size(); i++) {
            assertThat(a.get(i).content()).isEqualTo(b.get(i).content());
        }
    }
}

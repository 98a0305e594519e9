package io.overlayboot.guard;

import static org.assertj.core.api.Assertions.assertThat;

import io.overlayboot.cli.Cli;
import io.overlayboot.core.ExitCode;
import io.overlayboot.core.Json;
import io.overlayboot.files.Trees;
import io.overlayboot.vm.DebianChroot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code overlayboot check} on real Debian bookworm initrds, built once by mkinitramfs in a copy of
 * the cached chroot after {@code overlayboot install}: as installed (protected); with the boot
 * script removed before the build; with the hook removed; with the hook's {@code overlay} line
 * removed. Each case is a small target root drawn below (the initrd, the kernel's module lists,
 * the config) with the real {@code grub.cfg} that {@code grub-mkconfig} wrote in that chroot for
 * {@code GRUB_DEFAULT=saved} after {@code overlayboot install} ({@code grub-mkconfig-bookworm-saved.cfg}).
 */
class CheckOnRealInitrdsTest {
    private static Path built;
    private static String version;
    private static String grubCfg;

    @TempDir
    Path root;

    @BeforeAll
    static void buildInitrds() throws IOException {
        DebianChroot chroot = DebianChroot.ensure(line -> {});
        version = chroot.kernelVersion();
        built = Files.createTempDirectory("overlayboot-guard-initrds");
        String v = version;
        String hooks = "\"$T/etc/initramfs-tools/hooks/overlayboot\"";
        String script = "\"$T/etc/initramfs-tools/scripts/init-bottom/overlayboot\"";
        String out = "'" + built + "'";
        String mk = "chroot \"$T\" mkinitramfs -o /tmp/x.img " + v + " >/dev/null 2>&1\n";
        GuardChroot.run(chroot, built.resolve("work"), GuardChroot.installed(v)
                + "cp \"$T/boot/initrd.img-" + v + "\" " + out + "/protected.img\n"
                + "cp \"$T/etc/overlayboot.conf\" " + out + "/overlayboot.conf\n"
                + "cp \"$T/lib/modules/" + v + "/modules.builtin\" \"$T/lib/modules/" + v + "/modules.dep\" " + out + "/\n"
                + "mv " + script + " " + out + "/script\n" + mk + "mv \"$T/tmp/x.img\" " + out + "/noscript.img\n"
                + "mv " + out + "/script " + script + "\n"
                + "mv " + hooks + " " + out + "/hook\n" + mk + "mv \"$T/tmp/x.img\" " + out + "/nohook.img\n"
                + "mv " + out + "/hook " + hooks + "\n"
                + "sed -i '/^manual_add_modules overlay$/d' " + hooks + "\n" + mk
                + "mv \"$T/tmp/x.img\" " + out + "/nooverlay.img\n");
        grubCfg = new String(CheckOnRealInitrdsTest.class.getResourceAsStream("grub-mkconfig-bookworm-saved.cfg").readAllBytes(),
                java.nio.charset.StandardCharsets.UTF_8).replace("6.1.0-50-amd64", version);
    }

    @AfterAll
    static void clean() throws IOException {
        Trees.delete(built);
    }

    /**
     * The target root: <pre>
     * boot/vmlinuz-VERSION            (empty: only its name counts)
     * boot/initrd.img-VERSION         one of the built initrds
     * boot/grub/grub.cfg              the real grub-mkconfig output
     * lib/modules/VERSION/modules.builtin, modules.dep
     * etc/overlayboot.conf            as install wrote it
     * </pre>
     */
    private void target(String initrd) throws IOException {
        kernel(version, initrd);
        Files.createDirectories(root.resolve("boot/grub"));
        Files.writeString(root.resolve("boot/grub/grub.cfg"), grubCfg);
        Files.createDirectories(root.resolve("etc"));
        Files.copy(built.resolve("overlayboot.conf"), root.resolve("etc/overlayboot.conf"));
    }

    private void kernel(String v, String initrd) throws IOException {
        Path modules = Files.createDirectories(root.resolve("lib/modules/" + v));
        Files.copy(built.resolve("modules.builtin"), modules.resolve("modules.builtin"));
        Files.copy(built.resolve("modules.dep"), modules.resolve("modules.dep"));
        Files.createDirectories(root.resolve("boot"));
        Files.writeString(root.resolve("boot/vmlinuz-" + v), "");
        Files.copy(built.resolve(initrd), root.resolve("boot/initrd.img-" + v));
    }

    private Cli.Run check(String... more) {
        List<String> args = new java.util.ArrayList<>(List.of("check", "--root", root.toString()));
        args.addAll(List.of(more));
        return Cli.run(args.toArray(String[]::new));
    }

    private void grubenv(String... lines) throws IOException {
        Files.writeString(root.resolve("boot/grub/grubenv"), "# GRUB Environment Block\n" + String.join("\n", lines) + "\n"
                + "#".repeat(900));
    }

    @Test
    void theInitrdOverlaybootInstallBuiltProtects() throws IOException {
        target("protected.img");
        Cli.Run r = check();
        assertThat(r.code()).as(r.out() + r.err()).isEqualTo(ExitCode.OK.code());
        assertThat(r.out()).startsWith("next boot: protected\n")
                .contains("entry: Debian GNU/Linux (id gnulinux-simple-")
                .contains("kernel " + version + ", initrd /boot/initrd.img-" + version + " (initramfs-tools), mode tmpfs");
        assertThat(r.err()).isEmpty();
    }

    @Test
    void anInitrdBuiltWithoutTheBootScriptIsUnprotectedNamingIt() throws IOException {
        target("noscript.img");
        Cli.Run r = check();
        assertThat(r.code()).as(r.out()).isEqualTo(ExitCode.NOT_PROTECTED.code());
        assertThat(r.out().lines().filter(l -> l.startsWith("next boot: ")).toList()).containsExactly(
                "next boot: UNPROTECTED: initrd /boot/initrd.img-" + version + " has no scripts/init-bottom/overlayboot"
                        + " (the boot script) (hint: check that /etc/initramfs-tools/scripts/init-bottom/overlayboot and"
                        + " /etc/initramfs-tools/hooks/overlayboot exist ('overlayboot install' puts them back), then run"
                        + " update-initramfs -u -k " + version + ")");
    }

    @Test
    void anInitrdBuiltWithoutTheHookLacksTheConfigAndTheModule() throws IOException {
        target("nohook.img");
        Cli.Run r = check();
        assertThat(r.code()).as(r.out()).isEqualTo(ExitCode.NOT_PROTECTED.code());
        assertThat(r.out()).contains("next boot: UNPROTECTED: initrd /boot/initrd.img-" + version
                        + " has no etc/overlayboot.conf (the config file)")
                .contains("next boot: UNPROTECTED: initrd /boot/initrd.img-" + version + " has no overlay or aufs module"
                        + " (overlay.ko or aufs.ko) for kernel " + version)
                .doesNotContain("scripts/init-bottom/overlayboot (the boot script)");
    }

    @Test
    void anInitrdWithoutOverlayKoIsUnprotectedNamingTheModuleOnly() throws IOException {
        target("nooverlay.img");
        Cli.Run r = check();
        assertThat(r.code()).as(r.out()).isEqualTo(ExitCode.NOT_PROTECTED.code());
        assertThat(r.out().lines().filter(l -> l.startsWith("next boot: ")).toList()).singleElement().asString()
                .startsWith("next boot: UNPROTECTED: initrd /boot/initrd.img-" + version + " has no overlay or aufs module"
                        + " (overlay.ko or aufs.ko) for kernel " + version + " (hint: check that"
                        + " /etc/initramfs-tools/hooks/overlayboot exists");
    }

    @Test
    void aSavedDefaultWithoutTheParameterIsUnprotectedNamingTheEntry() throws IOException {
        target("protected.img");
        String recovery = "gnulinux-advanced-e1c51638-5234-47d7-bd2e-dc6eb11b25f2>gnulinux-" + version
                + "-recovery-e1c51638-5234-47d7-bd2e-dc6eb11b25f2";
        grubenv("saved_entry=" + recovery);
        Cli.Run r = check();
        assertThat(r.code()).as(r.out()).isEqualTo(ExitCode.NOT_PROTECTED.code());
        assertThat(r.out()).contains("next boot: UNPROTECTED: the default GRUB entry 'Advanced options for Debian GNU/Linux>"
                + "Debian GNU/Linux, with Linux " + version + " (recovery mode)' passes no aufs= or overlayboot= parameter")
                .contains("chosen by grubenv saved_entry '" + recovery + "'");

        grubenv("saved_entry=" + recovery, "next_entry=0");
        Cli.Run once = check();
        assertThat(once.code()).as("next_entry wins for one boot: " + once.out()).isZero();
        assertThat(once.out()).contains("chosen by grubenv next_entry (used once, for the next boot only) '0'");

        grubenv("saved_entry=0", "next_entry=" + recovery);
        assertThat(check().code()).isEqualTo(ExitCode.NOT_PROTECTED.code());
    }

    @Test
    void aDefaultEntryWhoseCommandLineLostTheParameterIsUnprotected() throws IOException {
        target("protected.img");
        Files.writeString(root.resolve("boot/grub/grub.cfg"), grubCfg.replace(" aufs=tmpfs", ""));
        Cli.Run r = check();
        assertThat(r.code()).isEqualTo(ExitCode.NOT_PROTECTED.code());
        assertThat(r.out()).contains("next boot: UNPROTECTED: the default GRUB entry 'Debian GNU/Linux' passes no aufs="
                + " or overlayboot= parameter and the initrd's config sets no mode= (hint: run 'overlayboot install'");

        Files.writeString(root.resolve("boot/grub/grub.cfg"), grubCfg.replace(" aufs=tmpfs", " aufs=tmpfs overlayboot=disabled"));
        assertThat(check().out()).contains("passes overlayboot=disabled");
    }

    @Test
    void everyOtherKernelIsReportedButTheNextBootDecides() throws IOException {
        target("protected.img");
        kernel("6.1.0-7-amd64", "noscript.img");
        Cli.Run r = check();
        assertThat(r.code()).as(r.out()).isZero();
        assertThat(r.out()).contains("kernel 6.1.0-7-amd64: UNPROTECTED: initrd /boot/initrd.img-6.1.0-7-amd64 has no"
                + " scripts/init-bottom/overlayboot");
        assertThat(check("--kernel", "6.1.0-7-amd64").code()).isEqualTo(ExitCode.NOT_PROTECTED.code());
        assertThat(check("--kernel", version).out()).isEqualTo("kernel " + version + ": protected (/boot/initrd.img-"
                + version + ")\n");
        Cli.Run json = check("--kernel", "6.1.0-7-amd64", "--json");
        io.overlayboot.cli.JsonSchemas.assertMatches("check", json.out());
        assertThat(json.out()).startsWith("{\"verdict\":\"unprotected\",");
    }

    @Test
    void theJsonObjectCarriesTheVerdictTheEntryAndEachReason() throws IOException {
        target("nooverlay.img");
        kernel("6.1.0-7-amd64", "noscript.img");
        Cli.Run r = check("--json");
        assertThat(r.code()).isEqualTo(ExitCode.NOT_PROTECTED.code());
        @SuppressWarnings("unchecked")
        Map<String, Object> json = (Map<String, Object>) Json.parse(r.out());
        io.overlayboot.cli.JsonSchemas.assertMatches("check", r.out());
        assertThat(json).containsEntry("verdict", "unprotected")
                .containsKeys("reasons", "warnings", "entry", "kernel", "otherKernels", "marks");
        assertThat((List<?>) json.get("reasons")).singleElement().asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
                .containsEntry("kind", "unprotected").containsKey("hint");
        assertThat(map(json.get("entry"))).containsEntry("title", "Debian GNU/Linux")
                .containsEntry("kernelFile", "/boot/vmlinuz-" + version);
        assertThat(map(json.get("kernel"))).containsEntry("version", version).containsEntry("generator", "initramfs-tools")
                .containsEntry("verdict", "unprotected");
        assertThat((List<?>) json.get("otherKernels")).singleElement().asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
                .containsEntry("version", "6.1.0-7-amd64").containsEntry("verdict", "unprotected");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        return (Map<String, Object>) o;
    }

    @Test
    void withoutGrubCfgOrModeItCannotTell() throws IOException {
        target("protected.img");
        Files.delete(root.resolve("boot/grub/grub.cfg"));
        Cli.Run r = check();
        assertThat(r.code()).as(r.out()).isEqualTo(ExitCode.CANNOT_TELL.code()).isEqualTo(7);
        assertThat(r.out()).startsWith("next boot: cannot tell: no /boot/grub/grub.cfg and /etc/overlayboot.conf sets no mode=");
    }

    @Test
    void aDamagedInitrdMeansCannotTellNamingIt() throws IOException {
        target("protected.img");
        Path initrd = root.resolve("boot/initrd.img-" + version);
        byte[] bytes = Files.readAllBytes(initrd);
        Files.write(initrd, java.util.Arrays.copyOf(bytes, bytes.length / 2));
        Cli.Run r = check();
        assertThat(r.code()).as(r.out()).isEqualTo(ExitCode.CANNOT_TELL.code());
        assertThat(r.out()).startsWith("next boot: cannot tell: cannot read initrd /boot/initrd.img-" + version + ": ");
    }

    @Test
    void anInitrdLinkPointingOutOfTheRootIsReadInsideIt() throws IOException {
        target("protected.img");
        Path initrd = root.resolve("boot/initrd.img-" + version);
        Files.delete(initrd);
        Files.createSymbolicLink(initrd, built.resolve("protected.img").toAbsolutePath());
        Cli.Run r = check();
        assertThat(r.code()).isEqualTo(ExitCode.NOT_PROTECTED.code());
        assertThat(r.out()).contains("initrd /boot/initrd.img-" + version + " does not exist");
    }
}

package io.overlayboot.guard;

import static org.assertj.core.api.Assertions.assertThat;

import io.overlayboot.cli.Cli;
import io.overlayboot.core.ExitCode;
import io.overlayboot.files.Trees;
import io.overlayboot.vm.DebianChroot;
import io.overlayboot.vm.Distro;
import io.overlayboot.vm.InitrdCache;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * {@code overlayboot check} on real dracut initrds of Debian 13 (dracut-ng 106), built once in a copy
 * of the cached dracut chroot: by {@code overlayboot install} (which runs {@code dracut --force});
 * and by {@code dracut --force} after the drop-in that includes overlayboot's module was removed.
 * Each case is a small target root: the initrd, the kernel's module lists, the config, and no GRUB
 * menu, so the config's {@code mode=tmpfs} must protect every boot.
 */
// Runs beside the other classes (it touches only its own chroot copy and temp directories; docs/ci-time.md)
@Execution(ExecutionMode.CONCURRENT)
class CheckOnRealDracutInitrdsTest {
    private static Path built;
    private static String version;

    @TempDir
    Path root;

    @BeforeAll
    static void buildInitrds() throws IOException {
        DebianChroot chroot = DebianChroot.ensure(Distro.DRACUT, line -> {});
        version = chroot.kernelVersion();
        built = Files.createTempDirectory("overlayboot-guard-dracut");
        String v = version;
        String out = "'" + built + "'";
        GuardChroot.run(chroot, built.resolve("work"),
                "chroot \"$T\" sh -ec " + io.overlayboot.render.ShellQuote.quote(InitrdCache.DRACUT_PREPARE) + "\n"
                + GuardChroot.hostCommand() + " install --root \"$T\" --yes --no-grub --mode tmpfs >/dev/null 2>&1\n"
                + "cp \"$T/boot/initrd.img-" + v + "\" " + out + "/protected.img\n"
                + "cp \"$T/etc/overlayboot.conf\" " + out + "/overlayboot.conf\n"
                + "cp \"$T/lib/modules/" + v + "/modules.builtin\" \"$T/lib/modules/" + v + "/modules.dep\" " + out + "/\n"
                + "rm \"$T/etc/dracut.conf.d/overlayboot.conf\"\n"
                + "chroot \"$T\" dracut --force /tmp/x.img " + v + " >/dev/null 2>&1\n"
                + "mv \"$T/tmp/x.img\" " + out + "/nomodule.img\n");
    }

    @AfterAll
    static void clean() throws IOException {
        if (built != null) {
            Trees.delete(built);
        }
    }

    /**
     * The target root: <pre>
     * boot/vmlinuz-VERSION            (empty: only its name counts)
     * boot/initrd.img-VERSION         one of the built initrds
     * lib/modules/VERSION/modules.builtin, modules.dep
     * etc/overlayboot.conf            as install wrote it (mode=tmpfs)
     * </pre>
     */
    private void target(String initrd) throws IOException {
        Path modules = Files.createDirectories(root.resolve("lib/modules/" + version));
        Files.copy(built.resolve("modules.builtin"), modules.resolve("modules.builtin"));
        Files.copy(built.resolve("modules.dep"), modules.resolve("modules.dep"));
        Files.createDirectories(root.resolve("boot"));
        Files.writeString(root.resolve("boot/vmlinuz-" + version), "");
        Files.copy(built.resolve(initrd), root.resolve("boot/initrd.img-" + version));
        Files.createDirectories(root.resolve("etc"));
        Files.copy(built.resolve("overlayboot.conf"), root.resolve("etc/overlayboot.conf"));
    }

    private Cli.Run check(String... more) {
        List<String> args = new java.util.ArrayList<>(List.of("check", "--root", root.toString()));
        args.addAll(List.of(more));
        return Cli.run(args.toArray(String[]::new));
    }

    @Test
    void theDracutInitrdOverlaybootInstallBuiltProtects() throws IOException {
        target("protected.img");
        Cli.Run r = check();
        assertThat(r.code()).as(r.out() + r.err()).isEqualTo(ExitCode.OK.code());
        assertThat(r.out()).startsWith("next boot: protected\n").contains("(dracut)");
    }

    @Test
    void aDracutInitrdBuiltWithoutTheModuleIsUnprotectedNamingTheHook() throws IOException {
        target("nomodule.img");
        Cli.Run r = check();
        assertThat(r.code()).as(r.out()).isEqualTo(ExitCode.NOT_PROTECTED.code());
        assertThat(r.out()).contains("next boot: UNPROTECTED: initrd /boot/initrd.img-" + version
                + " has no var/lib/dracut/hooks/pre-pivot/90-overlayboot-pre-pivot.sh (the dracut module's pre-pivot hook)"
                + " (hint: check that /usr/lib/dracut/modules.d/90overlayboot/ and /etc/dracut.conf.d/overlayboot.conf exist");
    }
}

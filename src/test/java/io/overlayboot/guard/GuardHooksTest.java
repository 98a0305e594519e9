package io.overlayboot.guard;

import static org.assertj.core.api.Assertions.assertThat;

import io.overlayboot.render.RenderRequest;
import io.overlayboot.render.RenderedFile;
import io.overlayboot.render.Renderer;
import io.overlayboot.sys.Exec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The rendered kernel postinst.d and initramfs post-update.d hooks, executed under dash and busybox
 * sh with a stand-in {@code overlayboot} on the PATH that records its arguments and exits as told:
 * which check they ask for, and how its exit code becomes theirs. (The real command in a real
 * chroot is {@link GuardChrootTest}.)
 */
class GuardHooksTest {
    static final String KERNEL_HOOK = "etc/kernel/postinst.d/zz-overlayboot";
    static final String INITRAMFS_HOOK = "etc/initramfs/post-update.d/zz-overlayboot";

    @TempDir
    Path dir;

    private Path bin;

    @BeforeEach
    void renderAndFake() throws IOException {
        for (RenderedFile f : new Renderer().render(RenderRequest.defaults())) {
            Path p = dir.resolve(f.path());
            Files.createDirectories(p.getParent());
            Files.write(p, f.content());
        }
        bin = Files.createDirectories(dir.resolve("bin"));
        Path fake = bin.resolve("overlayboot");
        Files.writeString(fake, """
                #!/bin/sh
                printf '%s\\n' "$*" >> "$FAKE_LOG"
                printf '%s\\n' "E: from the check" >&2
                exit "$FAKE_STATUS"
                """);
        Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private Exec.Result hook(String shell, String hook, int status, boolean cli, Map<String, String> env, String... args) {
        Map<String, String> e = new HashMap<>(env);
        e.put("PATH", (cli ? bin + ":" : "") + "/usr/bin:/bin");
        e.put("FAKE_STATUS", Integer.toString(status));
        e.put("FAKE_LOG", dir.resolve("calls").toString());
        List<String> cmd = new java.util.ArrayList<>(List.of(shell.split(" ")));
        cmd.add(dir.resolve(hook).toString());
        cmd.addAll(List.of(args));
        return Exec.run(cmd, e, null, null, Duration.ofSeconds(30));
    }

    private String calls() throws IOException {
        Path log = dir.resolve("calls");
        return Files.exists(log) ? Files.readString(log) : "";
    }

    @ParameterizedTest
    @ValueSource(strings = {"/bin/dash", "busybox sh"})
    void theKernelHookChecksTheNewInitrdAndFailsTheKernelPackageOnlyWhenUnprotected(String shell) throws IOException {
        Exec.Result ok = hook(shell, KERNEL_HOOK, 0, true, Map.of(), "6.1.0-57-amd64", "/boot/vmlinuz-6.1.0-57-amd64");
        assertThat(ok.exitCode()).isZero();
        assertThat(calls()).isEqualTo("check --kernel 6.1.0-57-amd64 --initrd /boot/initrd.img-6.1.0-57-amd64 --guard\n");

        Exec.Result bad = hook(shell, KERNEL_HOOK, 1, true, Map.of(), "6.1.0-57-amd64", "/boot/vmlinuz-6.1.0-57-amd64");
        assertThat(bad.exitCode()).isEqualTo(1);
        assertThat(bad.stderr()).isEqualTo("E: from the check\n");

        assertThat(hook(shell, KERNEL_HOOK, 7, true, Map.of(), "v").exitCode()).as("cannot tell").isZero();
        Exec.Result broken = hook(shell, KERNEL_HOOK, 70, true, Map.of(), "v");
        assertThat(broken.exitCode()).isZero();
        assertThat(broken.stderr()).contains("W: overlayboot: overlayboot check failed (exit code 70), so /boot/initrd.img-v"
                + " (kernel v) is not checked");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/bin/dash", "busybox sh"})
    void theKernelHookFindsTheInitrdBesideTheImageAndPassesOddVersionsAsThey(String shell) throws IOException {
        hook(shell, KERNEL_HOOK, 0, true, Map.of(), "6.1 %s $(x)", "/efi/k/vmlinuz-6.1 %s $(x)");
        assertThat(calls()).isEqualTo("check --kernel 6.1 %s $(x) --initrd /efi/k/initrd.img-6.1 %s $(x) --guard\n");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/bin/dash", "busybox sh"})
    void theKernelHookActsOnlyWhenTheKernelIsConfigured(String shell) throws IOException {
        assertThat(hook(shell, KERNEL_HOOK, 1, true, Map.of("DEB_MAINT_PARAMS", "'abort-upgrade' '1'"), "v").exitCode()).isZero();
        assertThat(hook(shell, KERNEL_HOOK, 1, true, Map.of("INITRD", "No"), "v").exitCode()).isZero();
        assertThat(calls()).isEmpty();
        assertThat(hook(shell, KERNEL_HOOK, 1, true, Map.of("DEB_MAINT_PARAMS", "'configure' ''"), "v").exitCode()).isEqualTo(1);
        assertThat(calls()).isNotEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"/bin/dash", "busybox sh"})
    void withoutTheCommandBothHooksWarnAndLetTheBuildGoOn(String shell) throws IOException {
        assertThat(Path.of("/usr/bin/overlayboot")).as("the host has no overlayboot command").doesNotExist();
        Exec.Result k = hook(shell, KERNEL_HOOK, 1, false, Map.of(), "6.1.0-57-amd64");
        assertThat(k.exitCode()).isZero();
        assertThat(k.stderr()).isEqualTo("W: overlayboot: the overlayboot command is not installed, so"
                + " /boot/initrd.img-6.1.0-57-amd64 (kernel 6.1.0-57-amd64) is not checked\n");
        Exec.Result i = hook(shell, INITRAMFS_HOOK, 1, false, Map.of(), "6.1.0-57-amd64", "/boot/initrd.img-6.1.0-57-amd64");
        assertThat(i.exitCode()).isZero();
        assertThat(i.stderr()).startsWith("W: overlayboot: the overlayboot command is not installed");
        Exec.Result none = hook(shell, KERNEL_HOOK, 1, true, Map.of());
        assertThat(none.exitCode()).isZero();
        assertThat(none.stderr()).startsWith("W: overlayboot: the kernel package did not pass a kernel version");
        assertThat(calls()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"/bin/dash", "busybox sh"})
    void theInitramfsHookChecksTheImageJustBuiltAndNeverStopsUpdateInitramfs(String shell) throws IOException {
        Exec.Result bad = hook(shell, INITRAMFS_HOOK, 1, true, Map.of(), "6.1.0-50-amd64", "/boot/initrd.img-6.1.0-50-amd64");
        assertThat(bad.exitCode()).as("update-initramfs -k all would stop at a failing hook").isZero();
        assertThat(bad.stderr()).isEqualTo("E: from the check\n");
        assertThat(calls()).isEqualTo("check --kernel 6.1.0-50-amd64 --initrd /boot/initrd.img-6.1.0-50-amd64 --guard\n");
        assertThat(hook(shell, INITRAMFS_HOOK, 70, true, Map.of(), "v", "/boot/i").stderr())
                .contains("overlayboot check failed (exit code 70)");
    }

    @ParameterizedTest
    @ValueSource(strings = {KERNEL_HOOK, INITRAMFS_HOOK, "etc/profile.d/overlayboot.sh"})
    void theScriptsNameTheMarkTheGuardWrites(String script) throws IOException {
        assertThat(Files.readString(dir.resolve(script))).contains("/" + Mark.PATH);
    }
}

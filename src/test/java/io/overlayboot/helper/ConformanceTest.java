package io.overlayboot.helper;

import static org.assertj.core.api.Assertions.assertThat;

import io.overlayboot.render.RenderRequest;
import io.overlayboot.render.RenderedFile;
import io.overlayboot.render.Renderer;
import io.overlayboot.settings.CmdlineCases;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One behaviour, two implementations: every row of the shared case table
 * ({@code io/overlayboot/settings/cmdline-cases.tsv}) gives the same plan from the rendered boot
 * script ({@code OVERLAYBOOT_PLAN=1}) and from {@code HelperMain plan}; every row marked
 * {@code boot=OUTCOME} has that outcome when booted for real in the
 * initramfs sandbox ({@code initramfs/sandbox.sh}, in {@code unshare -m -p -f}), the same console
 * lines, kernel log, mounts, state record and fstab, whether the shell path or the JVM helper
 * (jlink'd runtime, as the hook installs it) does the work.
 */
// Runs beside the other classes (only its own temp directories and sandboxes, initramfs/sandbox.sh
// in unshare -m -p -f), its cases one after another, as before (docs/ci-time.md)
@Execution(ExecutionMode.CONCURRENT)
class ConformanceTest {
    private static final Path SANDBOX = Path.of("initramfs/sandbox.sh").toAbsolutePath();

    @TempDir
    static Path shared;

    private static Path script;
    private static Path library;
    private static Path runtime;
    private static Path rootImage;

    @TempDir
    Path dir;

    /** One row of the shared table, with the outcome a real boot must have when it is booted. */
    record Case(String name, String cmdline, String config, String outcome) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        return CmdlineCases.all().stream().map(c -> new Case(c.name(), c.cmdline(),
                c.config() == null ? "" : c.config(), CmdlineCases.bootOutcome(c).orElse("")));
    }

    static Stream<Case> bootedCases() {
        return cases().filter(c -> !c.outcome().isEmpty());
    }

    @BeforeAll
    static void renderScriptAndBuildRuntime() throws Exception {
        HelperBootFixture fixture = HelperBootFixture.build(shared);
        script = fixture.script;
        library = fixture.library;
        runtime = fixture.runtime;

        Path content = Files.createDirectories(shared.resolve("rootfs"));
        Files.createDirectories(content.resolve("etc"));
        Files.createDirectories(content.resolve("dev"));
        Files.createDirectories(content.resolve("sbin"));
        Files.writeString(content.resolve("etc/fstab"), """
                # /etc/fstab of the test root
                UUID=0a0a0a0a-0000-4000-8000-000000000001 / ext4 errors=remount-ro 0 1
                UUID=0a0a0a0a-0000-4000-8000-000000000002 /home ext4 defaults 0 2
                /swapfile none swap sw 0 0
                """);
        Files.writeString(content.resolve("sbin/init"), "fake init\n");
        rootImage = shared.resolve("root.img");
        Processes.run("mke2fs", "-q", "-F", "-t", "ext4", "-L", "obroot", "-d", content.toString(),
                rootImage.toString(), "16M");
    }

    @Execution(ExecutionMode.SAME_THREAD)
    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void theScriptAndTheHelperPlanAlike(Case c) throws Exception {
        Path cmdline = Files.writeString(dir.resolve("cmdline"), c.cmdline() + "\n");
        Path conf = Files.writeString(dir.resolve("conf"), c.config());

        Processes.Result shell = Processes.exec(List.of("sh", script.toString()), Map.of("OVERLAYBOOT_PLAN", "1",
                "OVERLAYBOOT_CMDLINE", cmdline.toString(), "OVERLAYBOOT_CONF", conf.toString(),
                "OVERLAYBOOT_FUNCTIONS", library.toString(), "rootmnt", "/root"));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int exit = HelperMain.run(new PrintStream(out, true, StandardCharsets.UTF_8), System.err, Map.of(),
                "plan", "--cmdline", cmdline.toString(), "--config", conf.toString(), "--rootmnt", "/root");

        assertThat(shell.exit()).isZero();
        assertThat(exit).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo(shell.out());
    }

    @Execution(ExecutionMode.SAME_THREAD)
    @ParameterizedTest(name = "{0}")
    @MethodSource("bootedCases")
    void theScriptAndTheHelperBootAlike(Case c) throws Exception {
        String byShell = boot(c, false);
        String byHelper = boot(c, true);

        assertThat(byHelper).isEqualTo(byShell);
        switch (c.outcome()) {
            case "protected" -> assertThat(byShell).contains("overlayboot /root overlay", "status=protected")
                    .doesNotContain("UUID=0a0a0a0a-0000-4000-8000-000000000001 /");
            case "failed" -> assertThat(byShell).contains("status=failed", "booted unprotected")
                    .doesNotContain("overlayboot /root overlay");
            case "panic" -> assertThat(byShell).contains("status=failed", "(onerror=panic)")
                    .doesNotContain("overlayboot /root overlay");
            case "disabled" -> assertThat(byShell).contains("status=unprotected");
            case "inactive" -> assertThat(byShell).doesNotContain("status=", "overlayboot /root overlay");
            default -> throw new AssertionError("unknown outcome " + c.outcome());
        }
        if (!c.outcome().equals("protected")) {
            // the root is back exactly as found: the image at /root, nothing at /ro or /rw
            assertThat(byShell).contains("/dev/loopN /root ext4 ro")
                    .doesNotContain(" /ro ext4", " /rw ext4", " /rw tmpfs", " /overlayboot overlay", " /root/ro ");
        }
    }

    /** The stub the helper boots run with bites: without a helper, the shell path fails with it. */
    @Execution(ExecutionMode.SAME_THREAD)
    @Test
    void theStubbedShellPathFailsWithoutTheHelper() throws Exception {
        Case c = bootedCases().filter(k -> k.outcome().equals("protected") && k.config().isEmpty()
                && !k.cmdline().contains("helper=")).findFirst().orElseThrow();
        String booted = boot(c, false, stubbedSteps(Files.readString(library)), "stubbed");

        assertThat(booted).contains("status=failed", "the shell path ran").doesNotContain("overlayboot /root overlay");
    }

    /**
     * Boots the case in the sandbox and returns what a reader compares, with loop device numbers
     * blanked. With {@code helper}, the JVM helper is installed and the library's protect sequence
     * ({@code ob_steps}) is stubbed to fail, so a boot that the helper did not handle cannot look the same.
     */
    private String boot(Case c, boolean helper) throws Exception {
        String functions = Files.readString(library);
        boolean shellOnly = planOf(c).contains("helper=shell\n");
        if (helper && !shellOnly) {
            functions = stubbedSteps(functions);
        }
        return boot(c, helper, functions, helper ? "helper" : "shell");
    }

    private String boot(Case c, boolean helper, String functions, String name) throws Exception {
        Path w = Files.createDirectories(dir.resolve(name));
        Files.copy(script, w.resolve("script"));
        Files.writeString(w.resolve("functions"), functions);
        Files.writeString(w.resolve("cmdline"), c.cmdline() + "\n");
        if (!c.config().isEmpty()) {
            Files.writeString(w.resolve("conf"), c.config());
        }
        Files.copy(rootImage, w.resolve("root.img"));
        upperImage(w.resolve("upper.img"), c.cmdline().contains("LABEL=obimmutable"));
        if (helper) {
            Files.writeString(w.resolve("settings"), HelperBootFixture.sandboxSettings(runtime));
        }
        Files.writeString(w.resolve("probe"), "echo '--- fstab'; cat /root/etc/fstab; ls /root/ro/sbin\n");
        Processes.Result r = Processes.exec(List.of("unshare", "-m", "-p", "-f", "--propagation", "private", "bash",
                SANDBOX.toString(), w.toString()), null);
        assertThat(r.exit()).as(r.err()).isZero();
        return r.out().lines()
                .filter(l -> !l.startsWith("overlayboot: debug:"))
                .filter(l -> !l.contains("(errno ") && !l.startsWith("mount: ") && !l.startsWith("umount: ")
                        && !l.startsWith("mkdir: "))
                // the shell-only sandbox has no helper to hand over to, and says so
                .filter(l -> !l.matches("(warning=|<4>)?overlayboot: helper=\\w+ is not in the initramfs, using the shell path"))
                .map(l -> l.replaceAll("/dev/loop[0-9]+", "/dev/loopN"))
                .reduce("", (a, b) -> a + b + "\n");
    }

    /** The library with its protect sequence failing at once (and the proof that the stub took). */
    static String stubbedSteps(String functions) {
        String head = "\nob_steps() {\n";
        assertThat(functions).as("the library defines ob_steps once").containsOnlyOnce(head);
        return functions.replace(head, head + "\tOB_WHY=\"the shell path ran\"\n\treturn 1\n");
    }

    /**
     * The upper device: an empty ext4 labelled obupper, or, for the mid-way failure, one labelled
     * obimmutable whose upper/ is immutable, so the union mounts but nothing can be made in it and
     * the move of /ro into it fails after the root has moved: everything must be undone.
     */
    private static void upperImage(Path image, boolean immutable) throws Exception {
        Processes.run("mke2fs", "-q", "-F", "-t", "ext4", "-L", immutable ? "obimmutable" : "obupper",
                image.toString(), "16M");
        if (immutable) {
            Processes.run("debugfs", "-w", "-R", "mkdir upper", image.toString());
            Processes.run("debugfs", "-w", "-R", "mkdir work", image.toString());
            // EXT4_EXTENTS_FL | EXT2_IMMUTABLE_FL
            Processes.run("debugfs", "-w", "-R", "set_inode_field upper flags 0x80010", image.toString());
        }
    }

    private static String planOf(Case c) throws IOException {
        Path cmdline = Files.createTempFile("ob-plan", ".cmdline");
        Path conf = Files.createTempFile("ob-plan", ".conf");
        try {
            Files.writeString(cmdline, c.cmdline());
            Files.writeString(conf, c.config());
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            HelperMain.run(new PrintStream(out, true, StandardCharsets.UTF_8), System.err, Map.of(), "plan",
                    "--cmdline", cmdline.toString(), "--config", conf.toString());
            return out.toString(StandardCharsets.UTF_8);
        } finally {
            Files.delete(cmdline);
            Files.delete(conf);
        }
    }
}

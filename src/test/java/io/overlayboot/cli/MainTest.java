package io.overlayboot.cli;

import io.overlayboot.core.ExitCode;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MainTest {
    @TempDir
    Path work;

    static Cli.Run run(String... args) {
        return Cli.run(args);
    }

    @Test
    void versionAndHelp() {
        assertThat(run("--version").out()).startsWith("overlayboot ");
        Cli.Run help = run("--help");
        assertThat(help.code()).isZero();
        assertThat(help.out()).contains("render", "settings");
    }

    /** {@code --version} alone is answered without picocli, and says exactly what picocli would. */
    @Test
    void versionAloneIsWhatPicocliWouldPrint() {
        java.io.StringWriter picocli = new java.io.StringWriter();
        Main.commandLine(Main.Commands.ALL).printVersionHelp(new java.io.PrintWriter(picocli, true));
        for (String flag : new String[] {"--version", "-V"}) {
            Cli.Run r = run(flag);
            assertThat(r.code()).as(flag).isZero();
            assertThat(r.out()).as(flag).isEqualTo(picocli.toString()).startsWith("overlayboot ");
            assertThat(r.err()).as(flag).isEmpty();
        }
        // anything more goes through picocli: its checks still apply
        assertThat(run("--version", "--bogus").code()).isEqualTo(ExitCode.USAGE.code());
    }

    /** In a fresh JVM, {@code --version} loads no picocli class beyond the few Main's code names. */
    @Test
    void versionDoesNotBuildTheCommandLine() {
        String jvm = ProcessHandle.current().info().command().orElseThrow();
        io.overlayboot.sys.Exec.Result r = io.overlayboot.sys.Exec.run(java.util.List.of(jvm, "-Xlog:class+load=info",
                "-cp", System.getProperty("java.class.path"), Main.class.getName(), "--version"),
                java.time.Duration.ofSeconds(60));
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        assertThat(r.stdout()).contains("overlayboot ")
                .doesNotContain("picocli.CommandLine ")
                .doesNotContain("picocli.CommandLine$Model$CommandSpec ")
                .doesNotContain("io.overlayboot.cli.StatusCommand$");
    }

    /** Every subcommand of the full command tree, by name. */
    static java.util.Map<String, picocli.CommandLine> commands() {
        return Main.commandLine(Main.Commands.ALL).getSubcommands();
    }

    @Test
    void everyCommandHasHelp() {
        for (String command : commands().keySet()) {
            Cli.Run r = run(command, "--help");
            assertThat(r.code()).as(command).isZero();
            assertThat(r.out()).as(command).contains("Usage:");
        }
    }

    /** picocli formats help text: a lone % makes it warn on stderr and print the raw string. */
    @Test
    void helpOfEveryCommandFormatsWithoutWarnings() {
        java.io.PrintStream saved = System.err;
        java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
        System.setErr(new java.io.PrintStream(captured, true, java.nio.charset.StandardCharsets.UTF_8));
        try {
            run("--help");
            for (String command : commands().keySet()) {
                run(command, "--help");
            }
        } finally {
            System.setErr(saved);
        }
        assertThat(captured.toString(java.nio.charset.StandardCharsets.UTF_8)).doesNotContain("picocli WARN");
    }

    /**
     * picocli lists each command with the first line of its description: that line must be a whole
     * sentence on its own, shown as it is on one line of the list, with the longer text below it.
     */
    @Test
    void everyCommandListsWithACompleteOneLineSummary() {
        String help = run("--help").out();
        assertThat(commands()).hasSize(Main.Commands.ALL.size());
        commands().forEach((name, command) -> {
            var usage = command.getCommandSpec().usageMessage();
            // picocli lists the header's first line when there is one (picocli's own help command), else the description's
            String summary = usage.header().length > 0 ? usage.header()[0] : usage.description()[0];
            assertThat(summary).as(name).endsWith(".").doesNotContain("\n");
            assertThat(summary.substring(0, summary.length() - 1)).as(name + ": one sentence").doesNotContain(". ");
            assertThat(help).as(name).containsPattern("(?m)^  " + java.util.regex.Pattern.quote(name) + " +"
                    + java.util.regex.Pattern.quote(summary.replace("%%", "%")) + "$");
        });
    }

    @Test
    void unknownCommandIsAUsageErrorEvenWithHelp() {
        Cli.Run alone = run("frobnicate");
        assertThat(alone.code()).isEqualTo(ExitCode.USAGE.code());
        assertThat(alone.err()).contains("'frobnicate'");
        Cli.Run withHelp = run("frobnicate", "--help");
        assertThat(withHelp.code()).isEqualTo(ExitCode.USAGE.code());
        assertThat(withHelp.out()).isEmpty();
        assertThat(withHelp.err()).isEqualTo(alone.err());
        assertThat(run("frobnicate", "-h").code()).isEqualTo(ExitCode.USAGE.code());
    }

    @Test
    void misspeltCommandStillGetsSuggestions() {
        Cli.Run r = run("statsu");
        assertThat(r.code()).isEqualTo(ExitCode.USAGE.code());
        assertThat(r.err()).contains("status");
    }

    @Test
    void helpForOneCommandThroughTheHelpCommand() {
        Cli.Run r = run("help", "inspect");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("Usage: overlayboot inspect");
    }

    /** Only the named command's model is built; help and unknown words get every command. */
    @Test
    void aCommandLineBuildsOnlyTheCommandItNames() {
        assertThat(Main.needed("--version")).isEmpty();
        assertThat(Main.needed()).isEmpty();
        assertThat(Main.needed("status", "--json")).containsExactly(StatusCommand.class);
        assertThat(Main.needed("-V", "settings")).containsExactly(SettingsCommand.class);
        assertThat(Main.needed("--help")).isEqualTo(Main.Commands.ALL);
        assertThat(Main.needed("help", "status")).isEqualTo(Main.Commands.ALL);
        assertThat(Main.needed("frobnicate", "--help")).isEqualTo(Main.Commands.ALL);
        for (Class<?> c : Main.Commands.ALL) {
            assertThat(commands()).containsKey(Main.nameOf(c));
        }
    }

    /** Main tells picocli not to set up converters for java.sql and java.time: no option may need one. */
    @Test
    void noOptionHasAJavaSqlOrJavaTimeType() {
        commands().forEach((name, command) -> {
            for (var arg : command.getCommandSpec().args()) {
                assertThat(arg.type().getName()).as(name + " " + arg.paramLabel()).doesNotStartWith("java.sql.").doesNotStartWith("java.time.");
                for (Class<?> aux : arg.auxiliaryTypes()) {
                    assertThat(aux.getName()).as(name + " " + arg.paramLabel()).doesNotStartWith("java.sql.").doesNotStartWith("java.time.");
                }
            }
        });
    }

    @Test
    void noCommandIsAUsageError() {
        Cli.Run r = run();
        assertThat(r.code()).isEqualTo(ExitCode.USAGE.code());
        assertThat(r.err()).contains("Missing command");
    }

    @Test
    void renderWithOnlyOutWritesTheTree() {
        Cli.Run r = run("render", "--out", work.toString());
        assertThat(r.code()).isZero();
        assertThat(work.resolve("etc/initramfs-tools/scripts/init-bottom/overlayboot")).isExecutable();
        assertThat(work.resolve("etc/default/grub.d/overlayboot.cfg")).content().contains("aufs=tmpfs");
        assertThat(work.resolve("usr/share/overlayboot/overlayboot-functions")).isReadable();
        assertThat(r.out()).contains("Rendered 19 files; the GRUB drop-in adds aufs=tmpfs.");
    }

    @Test
    void renderHelpListsEveryBootOptionFromTheTable() {
        String help = run("render", "--help").out();
        for (var s : io.overlayboot.settings.Settings.ALL) {
            assertThat(help).contains(s.cliFlag() + "=" + s.name().toUpperCase(java.util.Locale.ROOT));
        }
        assertThat(help).contains("Default: 50%.").doesNotContain("picocli WARN");
    }

    @Test
    void renderWithOptionsWritesThemIntoTheConfig() {
        Cli.Run r = run("render", "--out", work.toString(), "--size", "20%", "--swap", "1", "--sysctl", "vm.swappiness=5");
        assertThat(r.code()).isZero();
        assertThat(work.resolve("etc/overlayboot.conf")).content().contains("\nsize=20%\n", "\nswap=1\n");
        assertThat(work.resolve("etc/sysctl.d/90-overlayboot.conf")).content().contains("vm.swappiness = 5");
    }

    @Test
    void badValueIsOneLineNamingTheFlagWithItsOwnExitCode() {
        Cli.Run r = run("render", "--out", work.toString(), "--size", "lots");
        assertThat(r.code()).isEqualTo(ExitCode.BAD_INPUT.code());
        assertThat(r.err()).isEqualTo("overlayboot: Bad value 'lots' for --size (hint: expected N% of RAM (1-100) or a size like 512M or 2G, below 8 EiB)\n");
        assertThat(work).isEmptyDirectory();
    }

    @Test
    void badSysctlIsRefusedBeforeAnythingIsWritten() {
        Cli.Run r = run("render", "--out", work.toString(), "--sysctl", "not a key=1");
        assertThat(r.code()).isEqualTo(ExitCode.BAD_INPUT.code());
        assertThat(r.err()).contains("Bad sysctl key 'not a key'");
        assertThat(work).isEmptyDirectory();
    }

    @Test
    void weakeningSysctlIsWarnedAbout() {
        Cli.Run r = run("render", "--out", work.toString(), "--sysctl", "fs.protected_symlinks=0");
        assertThat(r.code()).isZero();
        assertThat(r.err()).contains("warning: sysctl fs.protected_symlinks=0 weakens a kernel protection");
    }

    @Test
    void unknownOptionIsAUsageError() {
        Cli.Run r = run("render", "--out", work.toString(), "--sise", "1G");
        assertThat(r.code()).isEqualTo(ExitCode.USAGE.code());
        assertThat(r.err()).contains("Unknown options: '--sise', '1G'", "Possible solutions: --size");
    }

    @Test
    void renderIntoAFileIsAnEnvironmentError() throws Exception {
        Path file = Files.writeString(work.resolve("file"), "x");
        Cli.Run r = run("render", "--out", file.toString());
        assertThat(r.code()).isEqualTo(ExitCode.ENVIRONMENT.code());
        assertThat(r.err()).startsWith("overlayboot: Cannot write ");
    }

    @Test
    void renderJson() {
        Cli.Run r = run("render", "--out", work.toString(), "--json");
        assertThat(r.out()).startsWith("{\"out\":").contains("\"kernelParameter\":\"aufs=tmpfs\"",
                "\"path\":\"etc/overlayboot.conf\",\"mode\":\"0644\"");
    }

    @Test
    void settingsJsonListsEverySetting() {
        Cli.Run r = run("settings", "--json");
        assertThat(r.code()).isZero();
        for (var s : io.overlayboot.settings.Settings.ALL) {
            assertThat(r.out()).contains("\"name\":\"" + s.name() + "\"");
        }
    }

    @Test
    void readmeCarriesTheGeneratedSettingsTable() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        assertThat(readme).contains(run("settings", "--markdown").out());
    }

    /**
     * A damaged installation (here: the JSON library missing from the class path) makes
     * {@code status --json} fail with an {@link Error}; uncaught, the JVM exits with 1, which is
     * status's "not protected". It is an internal error instead, and stdout stays empty.
     */
    @Test
    void anErrorIsAnInternalErrorNotStatusesNotProtected() throws Exception {
        Path mounts = Files.writeString(work.resolve("mounts"), "/dev/vda1 / ext4 ro,relatime 0 0\n");
        String jvm = ProcessHandle.current().info().command().orElseThrow();
        String classPath = java.util.Arrays.stream(System.getProperty("java.class.path").split(java.io.File.pathSeparator))
                .filter(entry -> !entry.contains("jackson")).collect(java.util.stream.Collectors.joining(java.io.File.pathSeparator));
        io.overlayboot.sys.Exec.Result r = io.overlayboot.sys.Exec.run(java.util.List.of(jvm, "-cp", classPath, Main.class.getName(),
                "status", "--json", "--root", work.toString(), "--mounts", mounts.toString()), java.time.Duration.ofSeconds(60));
        assertThat(r.exitCode()).as(r.stderr()).isEqualTo(ExitCode.INTERNAL.code());
        assertThat(r.stdout()).isEmpty();
        assertThat(r.stderr()).startsWith("overlayboot: internal error: java.lang.NoClassDefFoundError: com/fasterxml/jackson/");
    }

    @Test
    void unexpectedSaysWhatAndReturnsTheInternalCode() {
        java.io.StringWriter err = new java.io.StringWriter();
        int code = Main.unexpected(new StackOverflowError("deep"), new java.io.PrintWriter(err, true));
        assertThat(code).isEqualTo(ExitCode.INTERNAL.code()).isNotEqualTo(ExitCode.NOT_PROTECTED.code());
        assertThat(err.toString()).startsWith("overlayboot: internal error: java.lang.StackOverflowError: deep\n");
    }
}

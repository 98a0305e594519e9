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

    @Test
    void everyCommandHasHelp() {
        for (String command : new picocli.CommandLine(new Main()).getSubcommands().keySet()) {
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
            for (String command : new picocli.CommandLine(new Main()).getSubcommands().keySet()) {
                run(command, "--help");
            }
        } finally {
            System.setErr(saved);
        }
        assertThat(captured.toString(java.nio.charset.StandardCharsets.UTF_8)).doesNotContain("picocli WARN");
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
        assertThat(r.out()).contains("Rendered 7 files; the GRUB drop-in adds aufs=tmpfs.");
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
        assertThat(r.err()).isEqualTo("overlayboot: Bad value 'lots' for --size (hint: expected N% of RAM (1-100) or a size like 512M or 2G)\n");
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
}

package io.overlayboot.cli;

import io.overlayboot.core.Version;
import io.overlayboot.sys.Exec;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.codegen.docgen.manpage.ManPageGenerator;

/**
 * Build-time generator of the package's documentation from the live picocli model (every command
 * of {@link Main.Commands#ALL} with the boot options of the settings table): one man page per command,
 * written as AsciiDoc by picocli-codegen's {@link ManPageGenerator} and turned into troff by
 * {@code asciidoctor -b manpage}, and the bash completion from {@link AutoComplete}. Nothing here is
 * written by hand, so the pages cannot drift from the commands ({@code ManualPagesTest} checks).
 *
 * <p>Run by the {@code deb} Maven profile at the package phase ({@code target/manual}); the layout
 * under the output directory is {@code man1/*.1}, {@code bash-completion/overlayboot} and the
 * intermediate {@code adoc/}.
 */
public final class ManualPages {
    /** The name of the command, its completion file and its top man page. */
    static final String NAME = "overlayboot";

    private ManualPages() {}

    /** {@code ManualPages OUTDIR}: writes the man pages and the completion under OUTDIR. */
    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: ManualPages OUTDIR");
            System.exit(2);
        }
        generate(Path.of(args[0]));
    }

    /** The command line with every subcommand, as {@code overlayboot --help} sees it. */
    static CommandLine model() {
        return Main.commandLine(Main.Commands.ALL);
    }

    /** Every command of the model, the top one first, then its subcommands depth first. */
    static List<CommandSpec> commands(CommandSpec top) {
        List<CommandSpec> all = new ArrayList<>();
        all.add(top);
        top.subcommands().values().stream()
                .map(CommandLine::getCommandSpec)
                .distinct() // aliases map to the same spec
                .filter(s -> !s.usageMessage().hidden())
                .forEach(s -> all.addAll(commands(s)));
        return all;
    }

    /** A command's man page name: {@code overlayboot-render} for {@code overlayboot render}. */
    static String pageName(CommandSpec spec) {
        return spec.qualifiedName("-");
    }

    /** Writes {@code man1/}, {@code bash-completion/} and {@code adoc/} under {@code out}. */
    static void generate(Path out) throws IOException {
        CommandLine cmd = model();
        Path adoc = Files.createDirectories(out.resolve("adoc"));
        Path man1 = Files.createDirectories(out.resolve("man1"));
        Path completion = Files.createDirectories(out.resolve("bash-completion"));
        // picocli's version provider sits on the top command only: name the source on every page
        List<String> argv = new ArrayList<>(List.of("asciidoctor", "-b", "manpage", "-D", man1.toString(),
                "-a", "mansource=overlayboot " + Version.version(), "-a", "manmanual=overlayboot manual"));
        List<CommandSpec> all = commands(cmd.getCommandSpec());
        for (CommandSpec spec : all) {
            Path page = adoc.resolve(pageName(spec) + ".adoc");
            StringWriter text = new StringWriter();
            try (PrintWriter pw = new PrintWriter(text)) {
                ManPageGenerator.writeSingleManPage(pw, spec);
            }
            Files.writeString(page, text + seeAlso(spec, all), StandardCharsets.UTF_8);
            argv.add(page.toString());
        }
        // asciidoctor dates a page from SOURCE_DATE_EPOCH when set: the build's fixed timestamp
        // (project.build.outputTimestamp) keeps the package reproducible.
        Exec.Result r = Exec.run(argv, Map.of("SOURCE_DATE_EPOCH", "1767225600"), null, null, Duration.ofMinutes(5));
        if (r.exitCode() != 0 || !r.stderr().isBlank()) {
            throw new IOException("asciidoctor failed (exit " + r.exitCode() + "): " + r.stderr().strip()
                    + " (hint: apt-get install asciidoctor)");
        }
        Files.writeString(completion.resolve(NAME), completion(cmd), StandardCharsets.UTF_8);
    }

    /** A "See also" section: the top page names every command's page, a command's page the top. */
    static String seeAlso(CommandSpec spec, List<CommandSpec> all) {
        List<String> refs = spec.parent() == null
                ? all.stream().filter(s -> s != spec).map(s -> "*" + pageName(s) + "*(1)").toList()
                : List.of("*" + pageName(spec.root()) + "*(1)");
        return "\n== See also\n\n" + String.join(", ", refs) + "\n";
    }

    /**
     * picocli's bash completion without its {@code #!} line: the file is sourced by
     * bash-completion, never run, and lintian flags a hashbang on a non-executable file.
     */
    static String completion(CommandLine cmd) {
        String script = AutoComplete.bash(NAME, cmd);
        if (script.startsWith("#!")) {
            script = script.substring(script.indexOf('\n') + 1);
        }
        return script;
    }

    /** The troff pages under {@code man1}, for tests. */
    static List<Path> pages(Path out) {
        try (Stream<Path> s = Files.list(out.resolve("man1"))) {
            return s.sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

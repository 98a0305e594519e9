package io.overlayboot.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.overlayboot.core.ExitCode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The models built with picocli's programmatic API ({@link Specs}: the top command, {@code status},
 * {@code settings}, {@code inspect})
 * are the ones picocli would build from the annotated form: same options, same help text, same
 * parse of the same command lines, same errors. The annotated form is built here with picocli's
 * own {@code mixinStandardHelpOptions} and {@code forAnnotatedObject} of the shared mixins (the
 * {@code @Option}s every annotated command uses), so a change to one side that the other lacks fails.
 */
class ProgrammaticSpecsTest {
    @TempDir
    Path work;

    /** {@code status} as {@code @Command(mixinStandardHelpOptions = true)} with the two {@code @Mixin}s would be. */
    private static CommandSpec annotatedStatus() {
        CommandSpec spec = CommandSpec.create().name(StatusCommand.NAME).mixinStandardHelpOptions(true);
        spec.usageMessage().description(StatusCommand.DESCRIPTION);
        spec.addMixin("system", CommandSpec.forAnnotatedObject(new RunningSystemMixin()));
        spec.addMixin("json", CommandSpec.forAnnotatedObject(new JsonOption()));
        return spec;
    }

    private static CommandSpec annotatedTop() {
        CommandSpec spec = CommandSpec.create().name(Main.NAME).mixinStandardHelpOptions(true).versionProvider(new VersionProvider());
        spec.usageMessage().description(Main.DESCRIPTION);
        return spec;
    }

    /** What picocli knows of an option, as text: everything that shows in help or changes a parse. */
    private static String describe(OptionSpec o) {
        return String.join(" | ", Arrays.toString(o.names()), o.paramLabel(), String.valueOf(o.defaultValue()),
                Arrays.toString(o.description()), o.type().getName(), o.arity().toString(), "usageHelp=" + o.usageHelp(),
                "versionHelp=" + o.versionHelp(), "required=" + o.required(), "hidden=" + o.hidden(),
                "negatable=" + o.negatable(), "interactive=" + o.interactive(), "split=" + o.splitRegex(),
                "descriptionKey=" + o.descriptionKey(), "order=" + o.order());
    }

    private static List<String> options(CommandSpec spec) {
        return spec.options().stream().map(ProgrammaticSpecsTest::describe).sorted().toList();
    }

    @Test
    void theSharedMixinsAreTheirAnnotations() {
        assertThat(options(RunningSystemMixin.spec(new RunningSystemMixin())))
                .isEqualTo(options(CommandSpec.forAnnotatedObject(new RunningSystemMixin()))).hasSize(2);
        assertThat(options(JsonOption.spec(new JsonOption())))
                .isEqualTo(options(CommandSpec.forAnnotatedObject(new JsonOption()))).hasSize(1);
    }

    @Test
    void statusHasTheOptionsAndHelpOfItsAnnotatedForm() {
        CommandSpec built = StatusCommand.spec();
        CommandSpec annotated = annotatedStatus();
        assertThat(options(built)).isEqualTo(options(annotated)).hasSize(5);
        assertThat(built.mixins().keySet()).containsAll(List.of("system", "json"));
        assertThat(new CommandLine(built).getUsageMessage()).isEqualTo(new CommandLine(annotated).getUsageMessage())
                .contains("--mounts=FILE", "--root=DIR", "--json", "-h, --help", "-V, --version");
    }

    @Test
    void theTopCommandHasTheHelpAndVersionOfItsAnnotatedForm() {
        CommandLine built = new CommandLine(Main.spec());
        CommandLine annotated = new CommandLine(annotatedTop());
        assertThat(options(built.getCommandSpec())).isEqualTo(options(annotated.getCommandSpec()));
        assertThat(built.getUsageMessage()).isEqualTo(annotated.getUsageMessage());
        java.io.StringWriter a = new java.io.StringWriter();
        java.io.StringWriter b = new java.io.StringWriter();
        built.printVersionHelp(new java.io.PrintWriter(a, true));
        annotated.printVersionHelp(new java.io.PrintWriter(b, true));
        assertThat(a.toString()).isEqualTo(b.toString()).startsWith("overlayboot ");
    }

    /** {@code inspect} as it was annotated, from the same constants. */
    @CommandLine.Command(name = InspectCommand.NAME, mixinStandardHelpOptions = true)
    static final class AnnotatedInspect {
        @CommandLine.Parameters(index = "0", paramLabel = InspectCommand.INITRD_LABEL, description = InspectCommand.INITRD_DESCRIPTION)
        private Path initrd;

        @CommandLine.Option(names = {InspectCommand.LONG_SHORT, InspectCommand.LONG}, description = InspectCommand.LONG_DESCRIPTION)
        private boolean longFormat;

        @CommandLine.Mixin
        private JsonOption json;
    }

    private static CommandSpec annotatedInspect() {
        CommandSpec spec = CommandSpec.forAnnotatedObject(new AnnotatedInspect());
        spec.usageMessage().description(InspectCommand.DESCRIPTION);
        return spec;
    }

    private static List<String> positionals(CommandSpec spec) {
        return spec.positionalParameters().stream().map(p -> String.join(" | ", p.index().toString(), p.paramLabel(),
                Arrays.toString(p.description()), p.type().getName(), p.arity().toString(), "required=" + p.required(),
                "descriptionKey=" + p.descriptionKey(), String.valueOf(p.defaultValue()))).toList();
    }

    @Test
    void inspectHasTheOptionsHelpAndParsesOfItsAnnotatedForm() {
        CommandSpec built = InspectCommand.spec();
        CommandSpec annotated = annotatedInspect();
        assertThat(options(built)).isEqualTo(options(annotated)).hasSize(4);
        assertThat(positionals(built)).isEqualTo(positionals(annotated)).hasSize(1);
        assertThat(new CommandLine(built).getUsageMessage()).isEqualTo(new CommandLine(annotated).getUsageMessage())
                .contains("INITRD", "-l, --long", "--json");
        List<List<String>> lines = List.of(List.of("x.img"), List.of("-l", "x.img"), List.of("--long", "--json", "x.img"),
                List.of("x.img", "-l"), List.of(), List.of("a", "b"), List.of("-h"), List.of("--bogus", "x"), List.of("-lV"),
                List.of("--long=true", "x"));
        for (List<String> line : lines) {
            assertThat(parseAll(InspectCommand.spec(), line)).as(line.toString()).isEqualTo(parseAll(annotatedInspect(), line));
        }
    }

    private static String parseAll(CommandSpec spec, List<String> line) {
        String options = parse(spec, line);
        return options + " " + spec.positionalParameters().stream().map(p -> String.valueOf(p.<Object>getValue())).toList();
    }

    /** The same command lines parse to the same values, or fail with the same message, in both models. */
    @Test
    void bothModelsAcceptAndRejectTheSameCommandLines() {
        List<List<String>> lines = List.of(List.of(), List.of("--json"), List.of("--root", "/x", "--mounts", "/m"),
                List.of("--root=/x", "--json", "--mounts=/m"), List.of("-h"), List.of("--help"), List.of("-V"), List.of("-hV"),
                List.of("--root"), List.of("--bogus"), List.of("extra"), List.of("--json", "--json"), List.of("--mount", "/m"),
                List.of("--json=true"));
        for (List<String> line : lines) {
            assertThat(parse(StatusCommand.spec(), line)).as(line.toString()).isEqualTo(parse(annotatedStatus(), line));
        }
    }

    private static String parse(CommandSpec spec, List<String> line) {
        try {
            CommandLine.ParseResult r = new CommandLine(spec).parseArgs(line.toArray(String[]::new));
            List<String> values = new ArrayList<>();
            for (OptionSpec o : spec.options()) {
                values.add(o.longestName() + "=" + o.getValue() + (r.hasMatchedOption(o.longestName()) ? " (given)" : ""));
            }
            return values.stream().sorted().toList() + " help=" + r.isUsageHelpRequested() + " version=" + r.isVersionHelpRequested();
        } catch (CommandLine.ParameterException e) {
            return e.getClass().getSimpleName() + ": " + e.getMessage();
        }
    }

    /**
     * Main's fast path for a plain {@code status} line ({@link StatusCommand#ofPlainLine}) takes
     * only lines picocli parses, to the same values; every other line is left to picocli.
     */
    @Test
    void thePlainStatusLineIsWhatPicocliParses() {
        List<List<String>> plain = List.of(List.of(), List.of("--json"), List.of("--root", "/x", "--mounts", "/m"),
                List.of("--root=/x", "--json", "--mounts=/m"), List.of("--mounts", "/m", "--json", "--root", "rel/dir"),
                List.of("--root", "/a b"), List.of("--root=/x=y"));
        List<List<String>> others = List.of(List.of("-h"), List.of("--help"), List.of("-V"), List.of("--root"),
                List.of("--root", "--json"), List.of("--bogus"), List.of("extra"), List.of("--json", "--json"),
                List.of("--root", "/a", "--root", "/b"), List.of("--mount", "/m"), List.of("--json=true"), List.of("--root="),
                List.of("@args"), List.of("--mounts", "@f"), List.of("--"), List.of("--root", "-x"), List.of("--ROOT", "/x"));
        for (List<String> line : plain) {
            StatusCommand fast = StatusCommand.ofPlainLine(withStatus(line));
            assertThat(fast).as(line.toString()).isNotNull();
            CommandSpec picocli = StatusCommand.spec();
            new CommandLine(picocli).parseArgs(line.toArray(String[]::new));
            StatusCommand parsed = (StatusCommand) picocli.userObject();
            assertThat(List.of(fast.system().root(), fast.system().mounts(), fast.json())).as(line.toString())
                    .isEqualTo(List.of(parsed.system().root(), parsed.system().mounts(), parsed.json()));
        }
        for (List<String> line : others) {
            assertThat(StatusCommand.ofPlainLine(withStatus(line))).as(line.toString()).isNull();
        }
        assertThat(StatusCommand.ofPlainLine("settings")).isNull();
        assertThat(StatusCommand.ofPlainLine()).isNull();
    }

    private static String[] withStatus(List<String> line) {
        return with(StatusCommand.NAME, line);
    }

    private static String[] with(String command, List<String> line) {
        List<String> all = new ArrayList<>(List.of(command));
        all.addAll(line);
        return all.toArray(String[]::new);
    }

    /** The fast path prints what picocli's path prints, with the same exit code, text, JSON and errors. */
    @Test
    void theFastPathPrintsWhatPicocliPrints() throws Exception {
        Path mounts = work.resolve("mounts");
        Files.writeString(mounts, "/dev/vda1 / ext4 ro,relatime 0 0\n");
        List<List<String>> lines = List.of(List.of("--root", work.toString(), "--mounts", mounts.toString()),
                List.of("--json", "--root=" + work, "--mounts=" + mounts),
                List.of("--mounts", work.resolve("nothing").toString()),
                List.of("--json", "--mounts", work.resolve("nothing").toString()));
        for (List<String> line : lines) {
            String[] args = withStatus(line);
            assertThat(StatusCommand.ofPlainLine(args)).isNotNull();
            List<Object> fast = bothPaths(args);
            assertThat(fast.get(1).toString() + fast.get(2)).as(line.toString()).isNotEmpty();
        }
    }

    /**
     * Main's fast path for a plain {@code inspect} line ({@link InspectCommand#ofPlainLine}) takes
     * only lines picocli parses, to the same values; every other line is left to picocli.
     */
    @Test
    void thePlainInspectLineIsWhatPicocliParses() {
        List<List<String>> plain = List.of(List.of("x.img"), List.of("-l", "x.img"), List.of("x.img", "--long"),
                List.of("--json", "x.img"), List.of("--long", "--json", "/a b/x.img"), List.of("x.img", "--json", "-l"));
        List<List<String>> others = List.of(List.of(), List.of("-h"), List.of("--help"), List.of("-V"), List.of("a", "b"),
                List.of("-l"), List.of("-l", "-l", "x"), List.of("--long", "--long", "x"), List.of("--json", "--json", "x"),
                List.of("-lV"), List.of("--long=true", "x"), List.of("--", "x"), List.of("@args"), List.of("--bogus", "x"),
                List.of("-x.img"), List.of(""), List.of("x", "-h"));
        for (List<String> line : plain) {
            InspectCommand fast = InspectCommand.ofPlainLine(with(InspectCommand.NAME, line));
            assertThat(fast).as(line.toString()).isNotNull();
            CommandSpec picocli = InspectCommand.spec();
            new CommandLine(picocli).parseArgs(line.toArray(String[]::new));
            assertThat(fieldsOf(fast)).as(line.toString()).isEqualTo(fieldsOf((InspectCommand) picocli.userObject()));
        }
        for (List<String> line : others) {
            assertThat(InspectCommand.ofPlainLine(with(InspectCommand.NAME, line))).as(line.toString()).isNull();
        }
        assertThat(InspectCommand.ofPlainLine("status", "x.img")).isNull();
    }

    private static List<Object> fieldsOf(InspectCommand c) {
        return List.of(c.initrd(), c.longFormat(), c.json());
    }

    /** The inspect fast path prints what picocli's path prints: listing, JSON, exit code and errors. */
    @Test
    void theInspectFastPathPrintsWhatPicocliPrints() throws Exception {
        Path tree = Files.createDirectories(work.resolve("tree/etc"));
        Files.writeString(tree.resolve("abc"), "abc");
        Path img = work.resolve("initrd.img");
        io.overlayboot.sys.Exec.Result made = io.overlayboot.sys.Exec.run(List.of("sh", "-c",
                "cd '" + work.resolve("tree") + "' && find . | LC_ALL=C sort | cpio --quiet -o -H newc | zstd -q > '" + img + "'"),
                java.time.Duration.ofSeconds(60));
        assertThat(made.exitCode()).as(made.stderr()).isZero();
        List<List<String>> lines = List.of(List.of(img.toString()), List.of("--long", img.toString()),
                List.of("--json", "-l", img.toString()), List.of(work.resolve("missing.img").toString()),
                List.of("--json", work.toString()));
        for (List<String> line : lines) {
            String[] args = with(InspectCommand.NAME, line);
            assertThat(InspectCommand.ofPlainLine(args)).isNotNull();
            List<Object> fast = bothPaths(args);
            assertThat(fast.get(1).toString() + fast.get(2)).as(line.toString()).isNotEmpty();
        }
    }

    /**
     * Runs {@code args} through Main's fast path and through picocli's path, requires the same exit
     * code, stdout and stderr of both, and returns them (code, out, err).
     */
    private static List<Object> bothPaths(String... args) {
        java.io.StringWriter out1 = new java.io.StringWriter();
        java.io.StringWriter err1 = new java.io.StringWriter();
        java.io.StringWriter out2 = new java.io.StringWriter();
        java.io.StringWriter err2 = new java.io.StringWriter();
        int fast = Main.run(new java.io.PrintWriter(out1, true), new java.io.PrintWriter(err1, true), args);
        int slow = Main.runWithPicocli(new java.io.PrintWriter(out2, true), new java.io.PrintWriter(err2, true), args);
        List<Object> result = List.of(fast, out1.toString(), err1.toString());
        assertThat(result).as(List.of(args).toString()).isEqualTo(List.of(slow, out2.toString(), err2.toString()));
        return result;
    }

    /** The options reach the command: --root, --mounts and --json change what status prints. */
    @Test
    void statusRunsWithTheGivenOptions() throws Exception {
        Path mounts = work.resolve("mounts");
        Files.writeString(mounts, "/dev/vda1 / ext4 ro,relatime 0 0\n");
        Cli.Run text = Cli.run("status", "--root", work.toString(), "--mounts", mounts.toString());
        assertThat(text.code()).isEqualTo(ExitCode.NOT_PROTECTED.code());
        assertThat(text.out()).startsWith("NOT protected");
        Cli.Run json = Cli.run("status", "--json", "--root", work.toString(), "--mounts", mounts.toString());
        assertThat(json.code()).isEqualTo(ExitCode.NOT_PROTECTED.code());
        assertThat(json.out()).startsWith("{").contains("\"protected\"");
        Cli.Run missing = Cli.run("status", "--mounts", work.resolve("nothing").toString());
        assertThat(missing.code()).isNotZero();
        assertThat(missing.err()).contains("nothing");
    }

    /**
     * In a fresh JVM, {@code status} reads no annotation: the JDK makes a proxy class for every
     * annotation type it is asked for, at every start, and the AOT cache cannot keep them.
     */
    @Test
    void statusReadsNoAnnotation() throws Exception {
        Path mounts = work.resolve("mounts");
        Files.writeString(mounts, "/dev/vda1 / ext4 ro,relatime 0 0\n");
        String jvm = ProcessHandle.current().info().command().orElseThrow();
        io.overlayboot.sys.Exec.Result r = io.overlayboot.sys.Exec.run(List.of(jvm, "-Xlog:class+load=info",
                "-cp", System.getProperty("java.class.path"), Main.class.getName(), "status", "--json",
                "--root", work.toString(), "--mounts", mounts.toString()), java.time.Duration.ofSeconds(60));
        assertThat(r.exitCode()).as(r.stderr()).isEqualTo(ExitCode.NOT_PROTECTED.code());
        assertThat(r.stdout()).contains("io.overlayboot.cli.StatusCommand ").doesNotContain("$Proxy");
    }

    /** {@code settings} as it was annotated, from the same constants. */
    @CommandLine.Command(name = SettingsCommand.NAME, mixinStandardHelpOptions = true)
    static final class AnnotatedSettings {
        @CommandLine.Option(names = SettingsCommand.MARKDOWN, description = SettingsCommand.MARKDOWN_DESCRIPTION)
        private boolean markdown;

        @CommandLine.Mixin
        private JsonOption json;
    }

    private static CommandSpec annotatedSettings() {
        CommandSpec spec = CommandSpec.forAnnotatedObject(new AnnotatedSettings());
        spec.usageMessage().description(SettingsCommand.DESCRIPTION);
        return spec;
    }

    private static final List<List<String>> PLAIN_SETTINGS = List.of(List.of(), List.of("--json"), List.of("--markdown"),
            List.of("--json", "--markdown"), List.of("--markdown", "--json"));

    private static final List<List<String>> OTHER_SETTINGS = List.of(List.of("-h"), List.of("--help"), List.of("-V"),
            List.of("--json", "--json"), List.of("--markdown", "--markdown"), List.of("--json=true"), List.of("--markdown=false"),
            List.of("--bogus"), List.of("extra"), List.of("--mark"), List.of("@args"), List.of("--"), List.of("--JSON"),
            List.of("--json", "-h"));

    @Test
    void settingsHasTheOptionsHelpAndParsesOfItsAnnotatedForm() {
        CommandSpec built = SettingsCommand.spec();
        CommandSpec annotated = annotatedSettings();
        assertThat(options(built)).isEqualTo(options(annotated)).hasSize(4);
        assertThat(built.positionalParameters()).isEmpty();
        assertThat(built.mixins().keySet()).contains("json");
        assertThat(new CommandLine(built).getUsageMessage()).isEqualTo(new CommandLine(annotated).getUsageMessage())
                .contains("--markdown", "--json", "-h, --help", "-V, --version");
        List<List<String>> lines = new ArrayList<>(PLAIN_SETTINGS);
        lines.addAll(OTHER_SETTINGS);
        for (List<String> line : lines) {
            assertThat(parse(SettingsCommand.spec(), line)).as(line.toString()).isEqualTo(parse(annotatedSettings(), line));
        }
    }

    /**
     * Main's fast path for a plain {@code settings} line ({@link SettingsCommand#ofPlainLine}) takes
     * only lines picocli parses, to the same values; every other line is left to picocli.
     */
    @Test
    void thePlainSettingsLineIsWhatPicocliParses() {
        for (List<String> line : PLAIN_SETTINGS) {
            SettingsCommand fast = SettingsCommand.ofPlainLine(with(SettingsCommand.NAME, line));
            assertThat(fast).as(line.toString()).isNotNull();
            CommandSpec picocli = SettingsCommand.spec();
            new CommandLine(picocli).parseArgs(line.toArray(String[]::new));
            SettingsCommand parsed = (SettingsCommand) picocli.userObject();
            assertThat(List.of(fast.json(), fast.markdown())).as(line.toString()).isEqualTo(List.of(parsed.json(), parsed.markdown()));
        }
        for (List<String> line : OTHER_SETTINGS) {
            assertThat(SettingsCommand.ofPlainLine(with(SettingsCommand.NAME, line))).as(line.toString()).isNull();
        }
        assertThat(SettingsCommand.ofPlainLine("status")).isNull();
        assertThat(SettingsCommand.ofPlainLine()).isNull();
    }

    /**
     * Both ways print the same, with the same exit code: the fast path, picocli's path with the
     * built model, and (for help and errors, which print no table) picocli's path with the annotated
     * model. The table is what the annotated command's {@code printf("%-9s %-14s default %-7s %s%n")}
     * printed, and its JSON keys are in the schema's order at every run.
     */
    @Test
    void theSettingsFastPathPrintsWhatPicocliPrints() {
        for (List<String> line : PLAIN_SETTINGS) {
            String[] args = with(SettingsCommand.NAME, line);
            List<Object> fast = bothPaths(args);
            assertThat(fast.get(0)).isEqualTo(0);
            assertThat(fast.get(2).toString()).isEmpty();
        }
        StringBuilder printf = new StringBuilder();
        for (io.overlayboot.settings.Setting s : io.overlayboot.settings.Settings.ALL) {
            printf.append(String.format("%-9s %-14s default %-7s %s%n", s.name(), s.cliFlag(),
                    s.defaultValue().isEmpty() ? "(empty)" : s.defaultValue(), s.kind().expected()));
        }
        assertThat(Cli.run("settings").out()).isEqualTo(printf.toString());
        assertThat(Cli.run("settings", "--markdown").out()).isEqualTo(io.overlayboot.settings.SettingsTable.markdown());
        @SuppressWarnings("unchecked")
        List<java.util.Map<String, Object>> rows = (List<java.util.Map<String, Object>>) io.overlayboot.core.Json.parse(Cli.run("settings", "--json").out());
        assertThat(rows).hasSize(io.overlayboot.settings.Settings.ALL.size());
        for (java.util.Map<String, Object> row : rows) {
            assertThat(row.keySet()).containsExactly("name", "configKey", "cliFlag", "default", "allowed", "help", "kernelOption");
        }
    }

    /** Help and usage errors go through picocli, and print what the annotated command printed. */
    @Test
    void settingsHelpAndErrorsAreTheAnnotatedForms() {
        for (List<String> line : OTHER_SETTINGS) {
            String[] args = line.toArray(String[]::new);
            assertThat(run(new CommandLine(SettingsCommand.spec()), args)).as(line.toString())
                    .isEqualTo(run(new CommandLine(annotatedSettings()), args));
        }
        Cli.Run help = Cli.run("settings", "--help");
        assertThat(help.code()).isZero();
        assertThat(help.out()).isEqualTo(new CommandLine(annotatedSettings()).getUsageMessage().replace("Usage: settings", "Usage: overlayboot settings"));
        Cli.Run bad = Cli.run("settings", "--json", "--json");
        assertThat(bad.code()).isEqualTo(ExitCode.USAGE.code());
        assertThat(bad.out()).isEmpty();
        assertThat(bad.err()).contains("--json").contains("overlayboot settings --help");
        Cli.Run spelt = Cli.run("settings", "--json=true"); // picocli takes a boolean's value after '='
        assertThat(spelt.code()).isZero();
        assertThat(spelt.out()).isEqualTo(Cli.run("settings", "--json").out());
    }

    /** What picocli prints for a command line of a model without a command to run: exit code, stdout, stderr. */
    private static List<Object> run(CommandLine line, String... args) {
        java.io.StringWriter out = new java.io.StringWriter();
        java.io.StringWriter err = new java.io.StringWriter();
        line.setOut(new java.io.PrintWriter(out, true));
        line.setErr(new java.io.PrintWriter(err, true));
        line.setExecutionStrategy(r -> {
            Integer help = CommandLine.executeHelpRequest(r);
            return help != null ? help : 0;
        });
        return List.of(line.execute(args), out.toString(), err.toString());
    }

    /**
     * In a fresh JVM, {@code settings} and {@code settings --json} read no annotation and load
     * neither picocli's model, FreeMarker, the regular expressions nor the stream library.
     */
    @Test
    void settingsLoadsNothingItDoesNotNeed() throws Exception {
        String jvm = ProcessHandle.current().info().command().orElseThrow();
        for (List<String> line : List.<List<String>>of(List.of(), List.of("--json"))) {
            List<String> command = new ArrayList<>(List.of(jvm, "-Xlog:class+load=info", "-cp", System.getProperty("java.class.path"),
                    Main.class.getName(), SettingsCommand.NAME));
            command.addAll(line);
            io.overlayboot.sys.Exec.Result r = io.overlayboot.sys.Exec.run(command, java.time.Duration.ofSeconds(60));
            assertThat(r.exitCode()).as(r.stderr()).isZero();
            assertThat(r.stdout()).as(line.toString()).contains("io.overlayboot.cli.SettingsCommand ")
                    .doesNotContain("$Proxy", "picocli.CommandLine$Model$CommandSpec ", "freemarker.", "java.util.regex.Pattern ",
                            "java.util.stream.", "io.overlayboot.cli.StatusCommand ");
        }
    }

    @Test
    void onlyCommandsThatLeaveNothingToCleanUpEndByHalt() {
        assertThat(Main.endsByHalt("--version")).isTrue();
        assertThat(Main.endsByHalt("status", "--json")).isTrue();
        assertThat(Main.endsByHalt("settings")).isTrue();
        assertThat(Main.endsByHalt("inspect", "x")).isEqualTo(System.getProperty("ZstdNativePath") != null);
        assertThat(Main.endsByHalt("render", "--out", "x")).isFalse();
        assertThat(Main.endsByHalt("extract", "x", "y")).isFalse();
        assertThat(Main.endsByHalt()).isFalse();
    }
}

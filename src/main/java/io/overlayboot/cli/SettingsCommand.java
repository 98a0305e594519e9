package io.overlayboot.cli;

import io.overlayboot.settings.Setting;
import io.overlayboot.settings.Settings;
import io.overlayboot.settings.SettingsTable;
import java.io.PrintWriter;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code overlayboot settings}: every boot option with its kernel name, config key, flag and default.
 *
 * <p>Like {@code status}, it is not annotated: its model is built with picocli's programmatic API
 * ({@link #spec}; {@link Specs} says why), and a plain line ({@code settings} with at most
 * {@code --json} and {@code --markdown}, each once, the way scripts and the README's generator run
 * it) is recognised before picocli loads ({@link #ofPlainLine}). It has the options an annotated
 * command with {@code mixinStandardHelpOptions = true}, {@code @Option --markdown} and
 * {@code @Mixin JsonOption} would have; {@code ProgrammaticSpecsTest} checks so, and that both ways
 * print the same.
 */
final class SettingsCommand implements PlainLine {
    static final String NAME = "settings";
    static final String[] DESCRIPTION = {
        "List every boot option with its names, default and meaning.",
        "Each boot option: its kernel command-line name, config key, CLI flag, default and meaning."
    };
    static final String MARKDOWN = "--markdown";
    static final String MARKDOWN_DESCRIPTION = "Print the table in Markdown (as in the README).";

    private boolean markdown;

    private final JsonOption json = new JsonOption();

    /** A new {@code settings} command and its model. */
    static CommandSpec spec() {
        SettingsCommand command = new SettingsCommand();
        CommandSpec spec = CommandSpec.wrapWithoutInspection(command).name(NAME);
        spec.usageMessage().description(DESCRIPTION);
        Specs.withStandardHelpOptions(spec);
        spec.addOption(Specs.option(MARKDOWN, boolean.class, "markdown").description(MARKDOWN_DESCRIPTION)
                .setter(new Specs.Setter<Boolean>(v -> command.markdown = v != null && v))
                .getter(new Specs.Getter(() -> command.markdown)).build());
        spec.addMixin("json", JsonOption.spec(command.json));
        return spec;
    }

    /**
     * The command a plain {@code settings} line asks for, or null for any other line:
     * {@code settings}, then {@code --json} and {@code --markdown}, each at most once, in any order.
     * Anything else (help, a misspelt or repeated option, {@code --json=true}, an argument file) is
     * left to picocli, which says what is wrong as for every command.
     */
    static SettingsCommand ofPlainLine(String... args) {
        if (args.length == 0 || !args[0].equals(NAME)) {
            return null;
        }
        SettingsCommand command = new SettingsCommand();
        boolean json = false;
        for (int i = 1; i < args.length; i++) {
            if (args[i].equals(JsonOption.NAME) && !json) {
                json = true;
            } else if (args[i].equals(MARKDOWN) && !command.markdown) {
                command.markdown = true;
            } else {
                return null;
            }
        }
        command.json.set(json);
        return command;
    }

    @Override
    public boolean json() {
        return json.enabled();
    }

    boolean markdown() {
        return markdown;
    }

    @Override
    public Rendered run(Output output) {
        return new Table(markdown);
    }

    /**
     * The table as text ({@code --markdown}: the README's), or as JSON. A class, loops, a
     * {@code StringBuilder} and hand-made padding rather than two lambdas, a stream, {@code +} and
     * {@code printf}: this is all the command does, and without the AOT cache each lambda and each
     * string concatenation spun a class at every start, and {@link java.util.Formatter} and the stream
     * library were a good part of the classes the start loaded.
     */
    private static final class Table implements Rendered {
        private final boolean markdown;

        Table(boolean markdown) {
            this.markdown = markdown;
        }

        @Override
        public void text(PrintWriter out) {
            if (markdown) {
                out.print(SettingsTable.markdown());
                return;
            }
            StringBuilder line = new StringBuilder();
            for (Setting s : Settings.ALL) {
                // as printf("%-9s %-14s default %-7s %s%n") printed it
                line.setLength(0);
                field(line, s.name(), 9).append(' ');
                field(line, s.cliFlag(), 14).append(" default ");
                field(line, s.defaultValue().isEmpty() ? "(empty)" : s.defaultValue(), 7).append(' ');
                out.print(line.append(s.kind().expected()).append(System.lineSeparator()));
            }
        }

        /** {@code text} left-aligned in {@code width} columns, as {@code %-WIDTHs} pads it. */
        private static StringBuilder field(StringBuilder line, String text, int width) {
            line.append(text);
            for (int i = text.length(); i < width; i++) {
                line.append(' ');
            }
            return line;
        }

        @Override
        public Object json() {
            return SettingsTable.rows();
        }
    }
}

package io.overlayboot.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The generated man pages and bash completion cover every command and every option of the live
 * picocli model (not a list kept here): what {@code ManualPages} writes for the package is run for
 * real, asciidoctor included, and the troff read back.
 */
class ManualPagesTest {
    @TempDir
    static Path out;

    static List<CommandSpec> commands;

    @BeforeAll
    static void generate() throws IOException {
        ManualPages.generate(out);
        commands = ManualPages.commands(ManualPages.model().getCommandSpec());
    }

    @Test
    void theModelHasEveryCommandOfMain() {
        // a guard for the guard: the walk over the model must see what Main lists, or the
        // checks below would pass on an empty model
        assertThat(commands).hasSize(Main.Commands.ALL.size() + 1);
        assertThat(commands.stream().map(ManualPages::pageName))
                .contains("overlayboot", "overlayboot-render", "overlayboot-install");
    }

    @Test
    void everyCommandHasAManPageNamingEveryOption() throws IOException {
        List<Path> pages = ManualPages.pages(out);
        assertThat(pages).hasSize(commands.size());
        for (CommandSpec spec : commands) {
            Path page = out.resolve("man1").resolve(ManualPages.pageName(spec) + ".1");
            assertThat(page).as("man page of '%s'", spec.qualifiedName()).exists();
            String text = plain(Files.readString(page, StandardCharsets.UTF_8));
            assertThat(text).as("man page of '%s'", spec.qualifiedName())
                    .contains(".TH \"" + ManualPages.pageName(spec).toUpperCase(java.util.Locale.ROOT) + "\" \"1\"");
            for (OptionSpec option : spec.options()) {
                if (option.hidden()) {
                    continue;
                }
                for (String name : option.names()) {
                    assertThat(containsWord(text, name))
                            .as("option %s in the man page of '%s'", name, spec.qualifiedName()).isTrue();
                }
            }
            for (CommandSpec sub : spec.subcommands().values().stream().map(c -> c.getCommandSpec()).toList()) {
                assertThat(text).as("subcommand %s in the man page of '%s'", sub.name(), spec.qualifiedName())
                        .contains(ManualPages.pageName(sub));
            }
        }
    }

    @Test
    void theCompletionOffersEveryCommandAndOptionAndIsNotAScript() throws IOException {
        String script = Files.readString(out.resolve("bash-completion/overlayboot"), StandardCharsets.UTF_8);
        assertThat(script).doesNotStartWith("#!").contains("complete -F _complete_overlayboot");
        for (CommandSpec spec : commands) {
            assertThat(containsWord(script, spec.name())).as("command %s", spec.qualifiedName()).isTrue();
            for (OptionSpec option : spec.options()) {
                for (String name : option.names()) {
                    assertThat(containsWord(script, name))
                            .as("option %s of '%s' in the completion", name, spec.qualifiedName()).isTrue();
                }
            }
        }
    }

    /** troff's escapes around option names undone: {@code \-} is a dash, {@code \&} and font changes nothing. */
    static String plain(String troff) {
        return troff.replace("\\-", "-").replace("\\&", "").replace("\\(hy", "-").replaceAll("\\\\f[BIPR]", "");
    }

    /** {@code word} occurs with no letter, digit or dash right before or after it. */
    static boolean containsWord(String text, String word) {
        return Pattern.compile("(?<![\\w-])" + Pattern.quote(word) + "(?![\\w-])").matcher(text).find();
    }
}

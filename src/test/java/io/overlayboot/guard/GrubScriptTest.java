package io.overlayboot.guard;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Example;

/**
 * {@link GrubScript#commands}, which works on runs of characters for speed, splits any text as the
 * plain character-by-character lexer it replaced does ({@link #reference}, kept here as it was):
 * random text over GRUB script's special characters, and real {@code grub.cfg} files.
 */
class GrubScriptTest {
    @Provide
    Arbitrary<String> scripts() {
        return Arbitraries.strings().withChars("ab#'\"\\$;{} \t\r\n").ofMaxLength(60);
    }

    @Property(tries = 2000)
    void splitsAsTheCharacterByCharacterLexer(@ForAll("scripts") String text) {
        assertThat(GrubScript.commands(text)).isEqualTo(reference(text));
    }

    @Example
    void splitsRealGrubConfigsAsBefore() throws Exception {
        for (String name : List.of("grub-mkconfig-bookworm-entries.cfg", "grub-mkconfig-bookworm-saved.cfg")) {
            String text = new String(getClass().getResourceAsStream(name).readAllBytes(), StandardCharsets.UTF_8);
            assertThat(GrubScript.commands(text)).as(name).isEqualTo(reference(text)).hasSizeGreaterThan(50);
        }
    }

        private static List<List<String>> reference(String text) {
            List<List<String>> commands = new ArrayList<>();
            List<String> words = new ArrayList<>();
            StringBuilder word = new StringBuilder();
            boolean inWord = false;
            int i = 0;
            int n = text.length();
            while (i < n) {
                char c = text.charAt(i);
                if (c == '\n' || c == ';' || c == ' ' || c == '\t' || c == '\r') {
                    if (inWord) {
                        words.add(word.toString());
                        word.setLength(0);
                        inWord = false;
                    }
                    if ((c == '\n' || c == ';') && !words.isEmpty()) {
                        commands.add(List.copyOf(words));
                        words.clear();
                    }
                    i++;
                } else if (c == '#' && !inWord) {
                    while (i < n && text.charAt(i) != '\n') {
                        i++;
                    }
                } else if (c == '\'') {
                    inWord = true;
                    int end = text.indexOf('\'', i + 1);
                    end = end < 0 ? n : end;
                    word.append(text, i + 1, end);
                    i = end + 1;
                } else if (c == '"') {
                    inWord = true;
                    i++;
                    while (i < n && text.charAt(i) != '"') {
                        char d = text.charAt(i);
                        if (d == '\\' && i + 1 < n && "\"\\$\n".indexOf(text.charAt(i + 1)) >= 0) {
                            if (text.charAt(i + 1) != '\n') {
                                word.append(text.charAt(i + 1));
                            }
                            i += 2;
                        } else {
                            word.append(d);
                            i++;
                        }
                    }
                    i++;
                } else if (c == '\\' && i + 1 < n) {
                    if (text.charAt(i + 1) != '\n') {
                        inWord = true;
                        word.append(text.charAt(i + 1));
                    }
                    i += 2;
                } else {
                    inWord = true;
                    word.append(c);
                    i++;
                }
            }
            if (inWord) {
                words.add(word.toString());
            }
            if (!words.isEmpty()) {
                commands.add(List.copyOf(words));
            }
            return commands;
        }
}

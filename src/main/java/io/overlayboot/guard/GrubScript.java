package io.overlayboot.guard;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits GRUB script text ({@code grub.cfg}) into commands and their words the way GRUB's lexer
 * does: blanks separate words, {@code ;} and newlines end a command, {@code '...'} is literal,
 * {@code "..."} and a backslash escape, {@code #} at the start of a word comments out the rest of
 * the line. Variables are kept as written ({@code ${saved_entry}}); nothing is expanded.
 */
final class GrubScript {
    private GrubScript() {}

    /** The commands of {@code text}, each a non-empty list of words, in order. */
    static List<List<String>> commands(String text) {
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

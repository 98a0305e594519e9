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

    /**
     * The commands of {@code text}, each a non-empty list of words, in order. It works on a char
     * array and takes runs of plain characters at once: {@code status} splits a whole
     * {@code grub.cfg} (~10 KB) in the interpreter at every call.
     */
    static List<List<String>> commands(String text) {
        List<List<String>> commands = new ArrayList<>();
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        char[] t = text.toCharArray();
        boolean inWord = false;
        int i = 0;
        int n = t.length;
        while (i < n) {
            char c = t[i];
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
                int end = text.indexOf('\n', i);
                i = end < 0 ? n : end;
            } else if (c == '\'') {
                inWord = true;
                int end = text.indexOf('\'', i + 1);
                end = end < 0 ? n : end;
                word.append(t, i + 1, end - i - 1);
                i = end + 1;
            } else if (c == '"') {
                inWord = true;
                i++;
                while (i < n && t[i] != '"') {
                    char d = t[i];
                    if (d == '\\' && i + 1 < n && (t[i + 1] == '"' || t[i + 1] == '\\' || t[i + 1] == '$' || t[i + 1] == '\n')) {
                        if (t[i + 1] != '\n') {
                            word.append(t[i + 1]);
                        }
                        i += 2;
                    } else {
                        word.append(d);
                        i++;
                    }
                }
                i++;
            } else if (c == '\\' && i + 1 < n) {
                if (t[i + 1] != '\n') {
                    inWord = true;
                    word.append(t[i + 1]);
                }
                i += 2;
            } else {
                // this character and the plain ones after it ('#' inside a word is plain)
                inWord = true;
                int start = i++;
                while (i < n && plain(t[i])) {
                    i++;
                }
                word.append(t, start, i - start);
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

    /** A character that neither ends a word nor starts quoting or an escape. */
    private static boolean plain(char c) {
        return c != '\n' && c != ';' && c != ' ' && c != '\t' && c != '\r' && c != '\'' && c != '"' && c != '\\';
    }
}

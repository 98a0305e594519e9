package io.overlayboot.install;

import java.util.ArrayList;
import java.util.List;

/**
 * Finds the assignments of {@code GRUB_CMDLINE_LINUX_DEFAULT} in a shell file the way {@code sh}
 * would read them (quotes, escapes, comments, continuation lines), and splits each value into
 * parameters and the separators between them, all as offsets into the original text.
 */
final class GrubScanner {
    private GrubScanner() {}

    /** How a value is quoted, and the separator that joins two parameters in that style. */
    enum Style {
        DOUBLE(" "), SINGLE(" "), BARE("\\ ");

        private final String separator;

        Style(String separator) {
            this.separator = separator;
        }

        String separator() {
            return separator;
        }
    }

    /** A parameter ({@code token}) or one separator unit of a value, as an offset range. */
    record Span(boolean token, int start, int end, String text) {}

    /**
     * One assignment statement.
     *
     * @param lineStart offset of the statement's first character
     * @param lineEnd offset of the newline ending the statement's last line (or the text length)
     * @param contentStart first offset inside the quotes (or of a bare value)
     * @param contentEnd offset just past the value's last character inside the quotes
     * @param trailer what follows the value on its line: blanks and an optional comment
     */
    record Assignment(Style style, int lineStart, int lineEnd, int contentStart, int contentEnd, String trailer,
            boolean startsLine, List<Span> spans) {
        Assignment {
            spans = List.copyOf(spans);
        }

        List<String> tokens() {
            return spans.stream().filter(Span::token).map(Span::text).toList();
        }

        int tokenCount() {
            return (int) spans.stream().filter(Span::token).count();
        }

        /** Indexes into {@link #spans} of the parameters {@code key=...} or {@code key}. */
        List<Integer> tokensWithKey(String key) {
            List<Integer> hits = new ArrayList<>();
            for (int k = 0; k < spans.size(); k++) {
                Span s = spans.get(k);
                if (s.token() && (s.text().equals(key) || s.text().startsWith(key + "="))) {
                    hits.add(k);
                }
            }
            return hits;
        }

        /** The edit that deletes parameter {@code k} with one adjacent separator. */
        GrubEditor.Edit deletion(int k) {
            Span t = spans.get(k);
            if (k > 0 && !spans.get(k - 1).token()) {
                return new GrubEditor.Edit(spans.get(k - 1).start(), t.end(), "");
            }
            if (k + 1 < spans.size() && !spans.get(k + 1).token()) {
                return new GrubEditor.Edit(t.start(), spans.get(k + 1).end(), "");
            }
            return new GrubEditor.Edit(t.start(), t.end(), "");
        }
    }

    static List<Assignment> scan(String t) {
        List<Assignment> found = new ArrayList<>();
        int n = t.length();
        int i = 0;
        boolean commandStart = true;
        while (i < n) {
            char c = t.charAt(i);
            if (commandStart) {
                if (c == ' ' || c == '\t') {
                    i++;
                    continue;
                }
                commandStart = false;
                int j = i;
                if (t.startsWith("export", j) && j + 6 < n && (t.charAt(j + 6) == ' ' || t.charAt(j + 6) == '\t')) {
                    j += 6;
                    while (j < n && (t.charAt(j) == ' ' || t.charAt(j) == '\t')) {
                        j++;
                    }
                }
                if (t.startsWith(GrubEditor.VARIABLE + "=", j)) {
                    Assignment a = assignment(t, i, j + GrubEditor.VARIABLE.length() + 1);
                    found.add(a);
                    i = a.lineEnd();
                    continue;
                }
            }
            switch (c) {
                case '\n', ';', '&', '|', '(', ')' -> {
                    commandStart = true;
                    i++;
                }
                case '#' -> {
                    if (i == 0 || " \t\n;".indexOf(t.charAt(i - 1)) >= 0) {
                        while (i < n && t.charAt(i) != '\n') {
                            i++;
                        }
                    } else {
                        i++;
                    }
                }
                case '\'' -> i = endOfSingle(t, i) + 1;
                case '"' -> i = endOfDouble(t, i) + 1;
                case '\\' -> i += 2;
                default -> i++;
            }
        }
        return found;
    }

    private static Assignment assignment(String t, int statementStart, int v) {
        int n = t.length();
        Style style;
        int contentStart;
        int contentEnd;
        int valueEnd;
        if (v < n && t.charAt(v) == '"') {
            style = Style.DOUBLE;
            contentStart = v + 1;
            contentEnd = endOfDouble(t, v);
            valueEnd = contentEnd + 1;
            String content = t.substring(contentStart, contentEnd);
            if (content.contains("$(") || content.contains("`")) {
                throw unsafe(t, v, "its value uses command substitution");
            }
        } else if (v < n && t.charAt(v) == '\'') {
            style = Style.SINGLE;
            contentStart = v + 1;
            contentEnd = endOfSingle(t, v);
            valueEnd = contentEnd + 1;
        } else {
            style = Style.BARE;
            contentStart = v;
            int j = v;
            while (j < n) {
                char c = t.charAt(j);
                if (c == '\\') {
                    j = Math.min(n, j + 2);
                    continue;
                }
                if (c == ' ' || c == '\t' || c == '\n' || c == ';' || c == '&' || c == '|') {
                    break;
                }
                if (c == '"' || c == '\'' || c == '`' || (c == '$' && j + 1 < n && t.charAt(j + 1) == '(')) {
                    throw unsafe(t, v, "its value mixes quoting styles or uses command substitution");
                }
                j++;
            }
            contentEnd = j;
            valueEnd = j;
        }
        int lineEnd = valueEnd;
        while (lineEnd < n && t.charAt(lineEnd) != '\n') {
            lineEnd++;
        }
        String trailer = t.substring(valueEnd, lineEnd);
        String rest = trailer.stripLeading();
        if (!rest.isEmpty() && !(rest.startsWith("#") && trailer.length() > rest.length())) {
            throw unsafe(t, v, "text follows its value on the same line: '" + trailer.strip() + "'");
        }
        boolean startsLine = statementStart == 0 || t.charAt(statementStart - 1) == '\n';
        return new Assignment(style, statementStart, lineEnd, contentStart, contentEnd, trailer, startsLine,
                spans(t, style, contentStart, contentEnd));
    }

    private static List<Span> spans(String t, Style style, int start, int end) {
        List<Span> spans = new ArrayList<>();
        int tokenStart = -1;
        int i = start;
        while (i < end) {
            char c = t.charAt(i);
            char next = i + 1 < end ? t.charAt(i + 1) : 0;
            int sep = 0;
            int tokenChars = 1;
            switch (style) {
                case DOUBLE -> {
                    if (c == '\\' && next == '\n') {
                        sep = 2;
                    } else if (c == ' ' || c == '\t' || c == '\n') {
                        sep = 1;
                    } else if (c == '\\') {
                        tokenChars = 2;
                    }
                }
                case SINGLE -> sep = c == ' ' || c == '\t' || c == '\n' ? 1 : 0;
                case BARE -> {
                    if (c == '\\' && (next == ' ' || next == '\t' || next == '\n')) {
                        sep = 2;
                    } else if (c == '\\') {
                        tokenChars = 2;
                    }
                }
            }
            if (sep > 0) {
                if (tokenStart >= 0) {
                    spans.add(new Span(true, tokenStart, i, t.substring(tokenStart, i)));
                    tokenStart = -1;
                }
                spans.add(new Span(false, i, i + sep, t.substring(i, i + sep)));
                i += sep;
            } else {
                if (tokenStart < 0) {
                    tokenStart = i;
                }
                i = Math.min(end, i + tokenChars);
            }
        }
        if (tokenStart >= 0) {
            spans.add(new Span(true, tokenStart, end, t.substring(tokenStart, end)));
        }
        return spans;
    }

    private static int endOfSingle(String t, int open) {
        int close = t.indexOf('\'', open + 1);
        if (close < 0) {
            throw unterminated(t, open, "'");
        }
        return close;
    }

    private static int endOfDouble(String t, int open) {
        int j = open + 1;
        while (j < t.length()) {
            char c = t.charAt(j);
            if (c == '\\') {
                j += 2;
            } else if (c == '"') {
                return j;
            } else {
                j++;
            }
        }
        throw unterminated(t, open, "\"");
    }

    private static GrubParseException unterminated(String t, int at, String quote) {
        return new GrubParseException("the quote " + quote + " opened on line " + lineOf(t, at) + " is never closed");
    }

    private static GrubParseException unsafe(String t, int at, String why) {
        return new GrubParseException(GrubEditor.VARIABLE + " on line " + lineOf(t, at) + " cannot be edited safely: " + why);
    }

    static int lineOf(String t, int offset) {
        int line = 1;
        for (int i = 0; i < offset && i < t.length(); i++) {
            if (t.charAt(i) == '\n') {
                line++;
            }
        }
        return line;
    }
}

package io.overlayboot.core;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The little JSON overlayboot needs, for {@code --json} output (one line) and the install manifest
 * (indented, read back): objects as ordered maps, lists, strings, numbers, booleans and null.
 * Read strictly; an error names the offset.
 */
public final class Json {
    private final String text;
    private int pos;

    private Json(String text) {
        this.text = text;
    }

    /** A map from alternating keys and values, in order. */
    public static Map<String, Object> object(Object... keysAndValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }

    /** One line, for {@code --json}. */
    public static String write(Object value) {
        StringBuilder out = new StringBuilder();
        write(out, value, null);
        return out.toString();
    }

    /** Indented by two spaces, ending in a newline, for files people read too. */
    public static String writePretty(Object value) {
        StringBuilder out = new StringBuilder();
        write(out, value, "");
        return out.append('\n').toString();
    }

    /** Parses one JSON value; {@link IllegalArgumentException} says where it is malformed. */
    public static Object parse(String text) {
        Json p = new Json(text);
        Object v = p.value();
        p.blanks();
        if (p.pos != text.length()) {
            throw p.error("unexpected text after the value");
        }
        return v;
    }

    /** Writes {@code value}; {@code indent} null means all on one line. */
    private static void write(StringBuilder out, Object value, String indent) {
        String inner = indent == null ? null : indent + "  ";
        switch (value) {
            case null -> out.append("null");
            case String s -> quote(out, s);
            case Boolean b -> out.append(b);
            case Number n -> out.append(n);
            case Map<?, ?> m -> {
                out.append('{');
                int k = 0;
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    out.append(k++ > 0 ? "," : "");
                    newline(out, inner);
                    quote(out, e.getKey().toString());
                    out.append(indent == null ? ":" : ": ");
                    write(out, e.getValue(), inner);
                }
                if (!m.isEmpty()) {
                    newline(out, indent);
                }
                out.append('}');
            }
            case List<?> l -> {
                out.append('[');
                for (int k = 0; k < l.size(); k++) {
                    out.append(k > 0 ? "," : "");
                    newline(out, inner);
                    write(out, l.get(k), inner);
                }
                if (!l.isEmpty()) {
                    newline(out, indent);
                }
                out.append(']');
            }
            default -> quote(out, value.toString());
        }
    }

    private static void newline(StringBuilder out, String indent) {
        if (indent != null) {
            out.append('\n').append(indent);
        }
    }

    private static void quote(StringBuilder out, String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\t' -> out.append("\\t");
                case '\r' -> out.append("\\r");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    private Object value() {
        blanks();
        if (pos >= text.length()) {
            throw error("unexpected end");
        }
        char c = text.charAt(pos);
        if (c == '{') {
            pos++;
            Map<String, Object> map = new LinkedHashMap<>();
            blanks();
            if (peek('}')) {
                return map;
            }
            do {
                blanks();
                String key = string();
                blanks();
                expect(':');
                map.put(key, value());
                blanks();
            } while (peek(','));
            expect('}');
            return map;
        }
        if (c == '[') {
            pos++;
            List<Object> list = new ArrayList<>();
            blanks();
            if (peek(']')) {
                return list;
            }
            do {
                list.add(value());
                blanks();
            } while (peek(','));
            expect(']');
            return list;
        }
        if (c == '"') {
            return string();
        }
        for (String word : new String[] {"true", "false", "null"}) {
            if (text.startsWith(word, pos)) {
                pos += word.length();
                return word.equals("null") ? null : Boolean.valueOf(word);
            }
        }
        int start = pos;
        if (c == '-') {
            pos++;
        }
        while (pos < text.length() && Character.isDigit(text.charAt(pos))) {
            pos++;
        }
        if (pos == start || text.substring(start, pos).equals("-")) {
            throw error("unexpected character '" + c + "'");
        }
        return Long.parseLong(text.substring(start, pos));
    }

    private String string() {
        expect('"');
        StringBuilder s = new StringBuilder();
        while (pos < text.length()) {
            char c = text.charAt(pos++);
            if (c == '"') {
                return s.toString();
            }
            if (c != '\\') {
                s.append(c);
                continue;
            }
            if (pos >= text.length()) {
                break;
            }
            char e = text.charAt(pos++);
            switch (e) {
                case 'n' -> s.append('\n');
                case 't' -> s.append('\t');
                case 'r' -> s.append('\r');
                case 'b' -> s.append('\b');
                case 'f' -> s.append('\f');
                case 'u' -> {
                    if (pos + 4 > text.length()) {
                        throw error("short \\u escape");
                    }
                    s.append((char) Integer.parseInt(text.substring(pos, pos + 4), 16));
                    pos += 4;
                }
                default -> s.append(e);
            }
        }
        throw error("unterminated string");
    }

    private void blanks() {
        while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
            pos++;
        }
    }

    private boolean peek(char c) {
        if (pos < text.length() && text.charAt(pos) == c) {
            pos++;
            return true;
        }
        return false;
    }

    private void expect(char c) {
        if (!peek(c)) {
            throw error("expected '" + c + "'");
        }
    }

    private IllegalArgumentException error(String what) {
        return new IllegalArgumentException(what + " at offset " + pos);
    }
}

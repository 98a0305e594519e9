package io.overlayboot.guard;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * GRUB's environment block ({@code /boot/grub/grubenv}): {@code name=value} lines after the
 * {@code # GRUB Environment Block} header, padded with {@code #} to 1024 bytes. GRUB writes a
 * newline or backslash in a value as {@code \n} or {@code \\}.
 */
final class GrubEnv {
    static final String HEADER = "# GRUB Environment Block\n";
    static final int SIZE = 1024;

    private GrubEnv() {}

    /**
     * The block holding {@code env}, as {@code grub-editenv} writes it: the header, {@code name=value}
     * lines (a backslash or newline escaped), {@code #} up to {@code size} bytes (at least 1024).
     * Empty when the variables do not fit.
     */
    static java.util.Optional<byte[]> format(Map<String, String> env, int size) {
        StringBuilder s = new StringBuilder(HEADER);
        env.forEach((k, v) -> s.append(k).append('=').append(v.replace("\\", "\\\\").replace("\n", "\\n")).append('\n'));
        byte[] text = s.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        int total = Math.max(size, SIZE);
        if (text.length > total) {
            return java.util.Optional.empty();
        }
        byte[] block = new byte[total];
        java.util.Arrays.fill(block, (byte) '#');
        System.arraycopy(text, 0, block, 0, text.length);
        return java.util.Optional.of(block);
    }

    static Map<String, String> parse(String text) {
        Map<String, String> env = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            if (line.startsWith("#")) {
                continue;
            }
            int eq = line.indexOf('=');
            if (eq > 0) {
                env.put(line.substring(0, eq), unescape(line.substring(eq + 1)));
            }
        }
        return env;
    }

    private static String unescape(String value) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\\' && i + 1 < value.length()) {
                char e = value.charAt(++i);
                s.append(e == 'n' ? '\n' : e);
            } else {
                s.append(c);
            }
        }
        return s.toString();
    }
}

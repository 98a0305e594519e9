package io.overlayboot.guard;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * GRUB's environment block ({@code /boot/grub/grubenv}): {@code name=value} lines after the
 * {@code # GRUB Environment Block} header, padded with {@code #} to 1024 bytes. GRUB writes a
 * newline or backslash in a value as {@code \n} or {@code \\}.
 */
final class GrubEnv {
    private GrubEnv() {}

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

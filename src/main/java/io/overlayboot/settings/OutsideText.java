package io.overlayboot.settings;

import java.nio.charset.StandardCharsets;

/**
 * Text that came from outside (the kernel command line, the config file), made safe to print and
 * to write as one {@code key=value} line: every byte of its UTF-8 form outside printable ASCII
 * becomes {@code \xHH}. The boot script's {@code ob_escape} does the same to the same bytes, so a
 * value can forge no line of {@code /run/overlayboot/state} or of the console. The result is
 * printable ASCII, so escaping twice changes nothing.
 */
public final class OutsideText {
    private OutsideText() {}

    /** {@code text} with every byte outside {@code ' '..'~'} as {@code \xHH}. */
    public static String escape(String text) {
        for (int i = 0; i < text.length(); i++) { // a loop, not chars(): status escapes every mount field
            char c = text.charAt(i);
            if (c < ' ' || c > '~') {
                return escape(text.getBytes(StandardCharsets.UTF_8));
            }
        }
        return text;
    }

    /** Raw bytes (a line of a file that may hold anything) as text, every byte outside {@code ' '..'~'} as {@code \xHH}. */
    public static String escape(byte[] bytes) {
        StringBuilder out = new StringBuilder(bytes.length + 16);
        for (byte b : bytes) {
            int c = b & 0xff;
            if (c >= ' ' && c <= '~') {
                out.append((char) c);
            } else {
                out.append(String.format("\\x%02x", c));
            }
        }
        return out.toString();
    }
}

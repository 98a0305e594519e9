package io.overlayboot.initramfs;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Archive names are bytes. They are decoded as UTF-8, and each byte that is not part of valid UTF-8
 * becomes a lone surrogate U+DC80..U+DCFF (as Python's "surrogateescape"), so no two names decode to
 * the same text and the bytes can still be shown ({@code \xff}) or refused.
 */
final class NameBytes {
    private NameBytes() {}

    static String decode(byte[] b, int off, int len) {
        int i = off;
        int end = off + len;
        while (i < end && b[i] >= 0) {
            i++;
        }
        if (i == end) {
            return new String(b, off, len, StandardCharsets.US_ASCII);
        }
        CharsetDecoder d = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(b, off, len);
        CharBuffer out = CharBuffer.allocate(len);
        while (true) {
            CoderResult r = d.decode(in, out, true);
            if (r.isUnderflow()) {
                break;
            }
            for (int k = 0; k < r.length(); k++) {
                out.put((char) (0xdc00 | (in.get() & 0xff)));
            }
        }
        d.flush(out);
        return out.flip().toString();
    }

    static boolean isEscapedByte(char c) {
        return c >= 0xdc80 && c <= 0xdcff;
    }

    static int escapedByte(char c) {
        return c & 0xff;
    }

    /** True if {@code s} holds a byte that was not UTF-8 (a lone U+DC80..U+DCFF). */
    static boolean hasEscapedBytes(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (isEscapedByte(c) && !(i > 0 && Character.isHighSurrogate(s.charAt(i - 1)))) {
                return true;
            }
        }
        return false;
    }
}

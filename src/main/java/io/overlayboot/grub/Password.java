package io.overlayboot.grub;

import io.overlayboot.core.ExitCode;
import io.overlayboot.core.OverlaybootException;
import java.io.Console;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The boot menu password, as {@code grub-mkpasswd-pbkdf2} reads it: one line of UTF-8. Read from a
 * file ({@code --password-file}: one trailing newline is not part of it) or from the terminal,
 * asked twice; never from the command line or the environment, where other users and the shell's
 * history could see it. {@link #clear()} overwrites it once hashed.
 */
public final class Password {
    /** GRUB's own limit ({@code GRUB_AUTH_MAX_PASSLEN}). */
    static final int MAX_BYTES = 1024;
    private final char[] chars;

    private Password(char[] chars) {
        this.chars = chars;
    }

    /** The password in {@code file}: its bytes as UTF-8, less one trailing {@code \n} (or {@code \r\n}). */
    public static Password fromFile(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw OverlaybootException.badInput("--password-file '" + file + "' cannot be read: " + e.getMessage(),
                    "name a readable file holding the password on one line");
        }
        try {
            int end = bytes.length;
            if (end > 0 && bytes[end - 1] == '\n') {
                end--;
                if (end > 0 && bytes[end - 1] == '\r') {
                    end--;
                }
            }
            char[] chars;
            try {
                CharBuffer cb = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes, 0, end));
                chars = Arrays.copyOf(cb.array(), cb.limit());
                Arrays.fill(cb.array(), '\0');
            } catch (CharacterCodingException e) {
                throw OverlaybootException.badInput("--password-file '" + file + "' is not UTF-8 text",
                        "write the password as UTF-8 text on one line");
            }
            return checked(chars, "--password-file '" + file + "'");
        } finally {
            Arrays.fill(bytes, (byte) 0);
        }
    }

    /** Asks on the terminal, twice; refuses when there is none or the two differ. */
    public static Password fromTerminal(Console console) {
        if (console == null) {
            throw new OverlaybootException(ExitCode.USAGE, "No terminal to ask the boot menu password on",
                    "run it on a terminal, or give --password-file FILE (mode 0600, the password on one line)");
        }
        char[] first = console.readPassword("GRUB password for the boot menu: ");
        char[] second = console.readPassword("The same password again: ");
        if (first == null || second == null) {
            throw new OverlaybootException(ExitCode.ABORTED, "No password given (end of input)", "run it again and type the password");
        }
        try {
            if (!Arrays.equals(first, second)) {
                throw OverlaybootException.badInput("The two passwords differ; nothing was changed", "run it again and type the same password twice");
            }
            return checked(first.clone(), "the password typed");
        } finally {
            Arrays.fill(first, '\0');
            Arrays.fill(second, '\0');
        }
    }

    private static Password checked(char[] chars, String what) {
        if (chars.length == 0) {
            throw OverlaybootException.badInput(what + " is empty: an empty password locks nothing",
                    "choose a password of at least one character");
        }
        for (char c : chars) {
            if (c == '\n' || c == '\r' || c == '\0') {
                Arrays.fill(chars, '\0');
                throw OverlaybootException.badInput(what + " holds a line break or NUL: GRUB reads one line",
                        "put the password alone on the first line, with at most one newline after it");
            }
        }
        byte[] utf8 = utf8(chars);
        int length = utf8.length;
        Arrays.fill(utf8, (byte) 0);
        if (length > MAX_BYTES) {
            Arrays.fill(chars, '\0');
            throw OverlaybootException.badInput(what + " is longer than GRUB's " + MAX_BYTES + " bytes", "choose a shorter password");
        }
        return new Password(chars);
    }

    /** What {@code grub-mkpasswd-pbkdf2} reads on stdin: the password, a newline, the password again, a newline. */
    byte[] twiceForStdin() {
        char[] twice = new char[chars.length * 2 + 2];
        System.arraycopy(chars, 0, twice, 0, chars.length);
        twice[chars.length] = '\n';
        System.arraycopy(chars, 0, twice, chars.length + 1, chars.length);
        twice[twice.length - 1] = '\n';
        try {
            return utf8(twice);
        } finally {
            Arrays.fill(twice, '\0');
        }
    }

    /** The UTF-8 bytes of {@code chars}, without an intermediate String (which could not be overwritten). */
    private static byte[] utf8(char[] chars) {
        ByteBuffer buf = StandardCharsets.UTF_8.encode(CharBuffer.wrap(chars));
        byte[] bytes = Arrays.copyOf(buf.array(), buf.limit());
        Arrays.fill(buf.array(), (byte) 0);
        return bytes;
    }

    /** Overwrites the characters. */
    public void clear() {
        Arrays.fill(chars, '\0');
    }
}

package io.overlayboot.settings;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The grammar of one setting's value. Each kind is checked twice with the same rules: here in
 * Java, and at boot by the shell function {@link #shellCheck()} names (defined in the boot
 * script's template). The shared case table in the tests keeps the two in agreement.
 */
public sealed interface Kind {
    /** True when {@code value} is well formed for this kind. */
    boolean accepts(String value);

    /** What a well-formed value looks like, for error messages (same text in Java and shell). */
    String expected();

    /**
     * The shell command that succeeds when its last argument is well formed: a function of the boot
     * script's template, with this kind's limits as its first arguments, so the script checks the
     * bounds declared here.
     */
    String shellCheck();

    /** 0 or 1. */
    record Flag() implements Kind {
        public boolean accepts(String v) {
            return v.equals("0") || v.equals("1");
        }

        public String expected() {
            return "0 or 1";
        }

        public String shellCheck() {
            return "ob_is_flag";
        }
    }

    /** One word out of a fixed list. */
    record Choice(List<String> values) implements Kind {
        public Choice {
            values = List.copyOf(values);
        }

        public boolean accepts(String v) {
            return values.contains(v);
        }

        public String expected() {
            return "one of " + String.join(" ", values);
        }

        public String shellCheck() {
            return "ob_is_choice '" + String.join(" ", values) + "'";
        }
    }

    /**
     * A tmpfs size: {@code N%} (1 to 100), or a count with an optional k/m/g suffix, below
     * {@link #LIMIT} bytes. The kernel reads it with memparse into 64 bits, so a larger size (such as
     * 17179869184G, 2^64 bytes) wraps to a tmpfs without a limit while the console claims the size.
     */
    record Size() implements Kind {
        /** Every size is below 2^63 bytes (8 EiB). */
        static final long LIMIT = Long.MAX_VALUE;
        /** Compiled when first used, not when the kind is (every start of status makes every kind). */
        private static final class Patterns {
            static final Pattern PERCENT = Pattern.compile("[1-9][0-9]{0,2}%");
            static final Pattern AMOUNT = Pattern.compile("[1-9][0-9]{0,14}[kKmMgG]?");
        }
        private static final String UNITS = "kmg";

        public boolean accepts(String v) {
            if (Patterns.PERCENT.matcher(v).matches()) {
                return Integer.parseInt(v.substring(0, v.length() - 1)) <= 100;
            }
            if (!Patterns.AMOUNT.matcher(v).matches()) {
                return false;
            }
            int unit = UNITS.indexOf(Character.toLowerCase(v.charAt(v.length() - 1))) + 1;
            String digits = unit == 0 ? v : v.substring(0, v.length() - 1);
            return Long.parseLong(digits) <= largest(unit);
        }

        /** The largest count with unit 0 (bytes), 1 (k), 2 (m) or 3 (g). */
        static long largest(int unit) {
            return LIMIT >> (10 * unit);
        }

        public String expected() {
            return "N% of RAM (1-100) or a size like 512M or 2G, below 8 EiB";
        }

        public String shellCheck() {
            return "ob_is_size " + largest(0) + " " + largest(1) + " " + largest(2) + " " + largest(3);
        }
    }

    /** Whole seconds, 0 to 3600. */
    record Seconds() implements Kind {
        /** Compiled when first used, not when the kind is (every start of status makes every kind). */
        private static final class Patterns {
            static final Pattern DIGITS = Pattern.compile("0|[1-9][0-9]{0,3}");
        }

        public boolean accepts(String v) {
            return Patterns.DIGITS.matcher(v).matches() && Integer.parseInt(v) <= 3600;
        }

        public String expected() {
            return "whole seconds from 0 to 3600";
        }

        public String shellCheck() {
            return "ob_is_seconds";
        }
    }

    /** A whole percent, 1 to 100. */
    record Percent() implements Kind {
        /** Compiled when first used, not when the kind is (every start of status makes every kind). */
        private static final class Patterns {
            static final Pattern DIGITS = Pattern.compile("[1-9][0-9]{0,2}");
        }

        public boolean accepts(String v) {
            return Patterns.DIGITS.matcher(v).matches() && Integer.parseInt(v) <= 100;
        }

        public String expected() {
            return "a whole percent from 1 to 100";
        }

        public String shellCheck() {
            return "ob_is_percent";
        }
    }

    /**
     * A block device: LABEL= or PARTLABEL= with a name of up to {@link #MAX_NAME} bytes, UUID= or
     * PARTUUID= with hex digits in dash-separated groups (up to {@link #MAX_UUID} characters: the
     * canonical 8-4-4-4-12, vfat's ABCD-1234, MBR's 12345678-02), or a /dev path of up to
     * {@link #MAX_NAME} bytes without '.' or '..' components.
     */
    record Device() implements Kind {
        static final int MAX_NAME = 255;
        static final int MAX_UUID = 36;
        /** Compiled when first used, not when the kind is (every start of status makes every kind). */
        private static final class Patterns {
            static final Pattern NAME = Pattern.compile("(?:LABEL|PARTLABEL)=([A-Za-z0-9._+@-]+)");
            static final Pattern UUID = Pattern.compile("(?:UUID|PARTUUID)=([0-9A-Fa-f]+(?:-[0-9A-Fa-f]+)*)");
            static final Pattern PATH = Pattern.compile("/dev/[A-Za-z0-9._+@-]+(?:/[A-Za-z0-9._+@-]+)*");
            static final Pattern DOT_COMPONENT = Pattern.compile("(?:^|/)\\.{1,2}(?:/|$)");
        }

        public boolean accepts(String v) {
            Matcher name = Patterns.NAME.matcher(v);
            if (name.matches()) {
                return name.group(1).length() <= MAX_NAME;
            }
            Matcher uuid = Patterns.UUID.matcher(v);
            if (uuid.matches()) {
                return uuid.group(1).length() <= MAX_UUID;
            }
            return Patterns.PATH.matcher(v).matches() && v.length() <= MAX_NAME && !Patterns.DOT_COMPONENT.matcher(v).find();
        }

        public String expected() {
            return "LABEL=x, UUID=x, PARTUUID=x, PARTLABEL=x or /dev/x (names up to 255 bytes, UUIDs of hex digits"
                    + " and single dashes, no '.' or '..' in paths)";
        }

        public String shellCheck() {
            return "ob_is_device " + MAX_NAME + " " + MAX_UUID;
        }
    }

    /** A filesystem type name, or {@code auto}. */
    record FsType() implements Kind {
        /** Compiled when first used, not when the kind is (every start of status makes every kind). */
        private static final class Patterns {
            static final Pattern WORD = Pattern.compile("[a-z0-9_]{1,32}");
        }

        public boolean accepts(String v) {
            return Patterns.WORD.matcher(v).matches();
        }

        public String expected() {
            return "a filesystem type such as ext4, or auto";
        }

        public String shellCheck() {
            return "ob_is_fstype";
        }
    }

    /** A relative directory inside the upper device, or empty for its top. */
    record SubPath() implements Kind {
        /** Compiled when first used, not when the kind is (every start of status makes every kind). */
        private static final class Patterns {
            static final Pattern PATH =
                    Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]*(?:/[A-Za-z0-9_-][A-Za-z0-9._-]*)*");
        }

        public boolean accepts(String v) {
            return v.isEmpty() || Patterns.PATH.matcher(v).matches();
        }

        public String expected() {
            return "a relative directory like overlay/upper (no '..', no leading '/')";
        }

        public String shellCheck() {
            return "ob_is_subpath";
        }
    }

    /** The {@code persist} list: absolute paths and presets, separated by spaces or '+' ({@link Persist}). */
    record PersistList() implements Kind {
        public boolean accepts(String v) {
            return Persist.accepts(v);
        }

        public String expected() {
            return "absolute paths or presets (" + Persist.presetNames() + ") separated by spaces, or by '+' on the"
                    + " kernel command line; not /, not under " + String.join(" ", Persist.REFUSED)
                    + ", no '.' or '..'";
        }

        public String shellCheck() {
            return "ob_is_persist " + Persist.MAX_ENTRY + " '" + Persist.presetNames() + "'";
        }
    }
}

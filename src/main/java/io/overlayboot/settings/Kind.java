package io.overlayboot.settings;

import java.util.List;
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

    /** The shell command that succeeds when its last argument is well formed. */
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

    /** A tmpfs size: {@code N%} (1 to 100), or a count with an optional k/m/g suffix. */
    record Size() implements Kind {
        private static final Pattern PERCENT = Pattern.compile("[1-9][0-9]{0,2}%");
        private static final Pattern AMOUNT = Pattern.compile("[1-9][0-9]{0,14}[kKmMgG]?");

        public boolean accepts(String v) {
            if (PERCENT.matcher(v).matches()) {
                return Integer.parseInt(v.substring(0, v.length() - 1)) <= 100;
            }
            return AMOUNT.matcher(v).matches();
        }

        public String expected() {
            return "N% of RAM (1-100) or a size like 512M or 2G";
        }

        public String shellCheck() {
            return "ob_is_size";
        }
    }

    /** Whole seconds, 0 to 3600. */
    record Seconds() implements Kind {
        private static final Pattern DIGITS = Pattern.compile("0|[1-9][0-9]{0,3}");

        public boolean accepts(String v) {
            return DIGITS.matcher(v).matches() && Integer.parseInt(v) <= 3600;
        }

        public String expected() {
            return "whole seconds from 0 to 3600";
        }

        public String shellCheck() {
            return "ob_is_seconds";
        }
    }

    /** A block device: LABEL=, UUID=, PARTUUID=, PARTLABEL= or a /dev path. */
    record Device() implements Kind {
        private static final Pattern DEVICE = Pattern.compile(
                "(?:LABEL=|PARTLABEL=)[A-Za-z0-9._+@-]+"
                        + "|(?:UUID=|PARTUUID=)[0-9A-Fa-f-]+"
                        + "|/dev/[A-Za-z0-9._+@-]+(?:/[A-Za-z0-9._+@-]+)*");

        public boolean accepts(String v) {
            return DEVICE.matcher(v).matches();
        }

        public String expected() {
            return "LABEL=x, UUID=x, PARTUUID=x, PARTLABEL=x or /dev/x";
        }

        public String shellCheck() {
            return "ob_is_device";
        }
    }

    /** A filesystem type name, or {@code auto}. */
    record FsType() implements Kind {
        private static final Pattern WORD = Pattern.compile("[a-z0-9_]{1,32}");

        public boolean accepts(String v) {
            return WORD.matcher(v).matches();
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
        private static final Pattern PATH =
                Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]*(?:/[A-Za-z0-9_-][A-Za-z0-9._-]*)*");

        public boolean accepts(String v) {
            return v.isEmpty() || PATH.matcher(v).matches();
        }

        public String expected() {
            return "a relative directory like overlay/upper (no '..', no leading '/')";
        }

        public String shellCheck() {
            return "ob_is_subpath";
        }
    }
}

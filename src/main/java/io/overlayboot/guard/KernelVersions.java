package io.overlayboot.guard;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Orders kernel versions the way people read them: {@code 6.1.0-9} before {@code 6.1.0-50}. */
public final class KernelVersions {
    private static final Pattern NUMBER = Pattern.compile("[0-9]+");

    /**
     * Versions in that order, by {@link #key}: a class of its own rather than
     * {@code Comparator.comparing(KernelVersions::key)}, whose lambda the JVM spins at every
     * {@code status} (the AOT cache does not keep it).
     */
    public static final java.util.Comparator<String> ORDER = new java.util.Comparator<>() {
        @Override
        public int compare(String a, String b) {
            return key(a).compareTo(key(b));
        }
    };

    private KernelVersions() {}

    /** A sort key: each run of digits zero-padded to 10 places. */
    public static String key(String version) {
        Matcher m = NUMBER.matcher(version);
        StringBuilder s = new StringBuilder();
        while (m.find()) {
            // zero-padded without String.format, whose Formatter loads the locale data ({@code status} sorts kernels)
            String digits = Long.toString(Long.parseLong(m.group().length() > 18 ? "0" : m.group()));
            m.appendReplacement(s, "0".repeat(Math.max(0, 10 - digits.length())) + digits);
        }
        m.appendTail(s);
        return s.toString();
    }
}

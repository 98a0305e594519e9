package io.overlayboot.install;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Edits the kernel parameters in {@code GRUB_CMDLINE_LINUX_DEFAULT} of an {@code /etc/default/grub}
 * text, keeping every other byte: comments, quoting style, other parameters, other variables.
 *
 * <p>Used on targets whose {@code grub-mkconfig} does not read {@code /etc/default/grub.d/*.cfg}.
 * The value of the last assignment is the one GRUB sees, so a parameter is added there; the same
 * parameter typed by hand (with any value) is replaced, never duplicated, and removed from earlier
 * assignments. Without any assignment, one line marked {@code # added by overlayboot} is appended,
 * and removing the parameter removes that line again, so {@code remove(add(x)) == x}.
 *
 * <p>Values built by command substitution, quoting styles mixed in one word, text after the value
 * on its line and unterminated quotes make the file unsafe to edit: {@link GrubParseException}.
 */
final class GrubEditor {
    static final String VARIABLE = "GRUB_CMDLINE_LINUX_DEFAULT";
    static final String MARKER = " # added by overlayboot";

    private GrubEditor() {}

    /** Adds {@code param} ({@code key=value}) and drops every other {@code key=} parameter. */
    static String add(String text, String param) {
        String key = keyOf(param);
        List<GrubScanner.Assignment> assignments = GrubScanner.scan(text);
        if (assignments.isEmpty()) {
            String line = VARIABLE + "=\"" + param + "\"" + MARKER;
            return text.isEmpty() || text.endsWith("\n") ? text + line + "\n" : text + "\n" + line;
        }
        List<Edit> edits = new ArrayList<>();
        GrubScanner.Assignment last = assignments.getLast();
        for (GrubScanner.Assignment a : assignments) {
            List<Integer> hits = a.tokensWithKey(key);
            if (a != last) {
                hits.forEach(k -> edits.add(a.deletion(k)));
            } else if (hits.isEmpty()) {
                String sep = a.contentStart() == a.contentEnd() ? "" : a.style().separator();
                edits.add(new Edit(a.contentEnd(), a.contentEnd(), sep + param));
            } else {
                int keep = hits.getLast();
                hits.subList(0, hits.size() - 1).forEach(k -> edits.add(a.deletion(k)));
                GrubScanner.Span t = a.spans().get(keep);
                edits.add(new Edit(t.start(), t.end(), param));
            }
        }
        return apply(text, edits);
    }

    /** Removes every {@code key=...} (or bare {@code key}) parameter; drops the line {@link #add} appended. */
    static String remove(String text, String key) {
        List<Edit> edits = new ArrayList<>();
        for (GrubScanner.Assignment a : GrubScanner.scan(text)) {
            List<Integer> hits = a.tokensWithKey(key);
            if (hits.isEmpty()) {
                continue;
            }
            if (a.startsLine() && a.trailer().equals(MARKER) && hits.size() == a.tokenCount()) {
                int start = a.lineStart();
                int end = a.lineEnd();
                if (end < text.length()) {
                    end++; // the newline
                } else if (start > 0) {
                    start--; // last line without newline: take the newline before it
                }
                edits.add(new Edit(start, end, ""));
            } else {
                hits.forEach(k -> edits.add(a.deletion(k)));
            }
        }
        return apply(text, edits);
    }

    /** True when the effective (last) assignment carries exactly {@code param}. */
    static boolean carries(String text, String param) {
        List<GrubScanner.Assignment> assignments = GrubScanner.scan(text);
        return !assignments.isEmpty() && assignments.getLast().tokens().contains(param);
    }

    static String keyOf(String param) {
        int eq = param.indexOf('=');
        return eq < 0 ? param : param.substring(0, eq);
    }

    record Edit(int start, int end, String replacement) {}

    private static String apply(String text, List<Edit> edits) {
        List<Edit> sorted = new ArrayList<>(edits);
        sorted.sort(Comparator.comparingInt(Edit::start).thenComparingInt(Edit::end));
        // Deletions of neighbouring parameters may share a separator: merge overlapping ranges.
        List<Edit> merged = new ArrayList<>();
        for (Edit e : sorted) {
            if (!merged.isEmpty()) {
                Edit prev = merged.getLast();
                if (e.start() < prev.end() && prev.replacement().isEmpty() && e.replacement().isEmpty()) {
                    merged.set(merged.size() - 1, new Edit(prev.start(), Math.max(prev.end(), e.end()), ""));
                    continue;
                }
            }
            merged.add(e);
        }
        StringBuilder out = new StringBuilder(text);
        for (Edit e : merged.reversed()) {
            out.replace(e.start(), e.end(), e.replacement());
        }
        return out.toString();
    }
}

package io.overlayboot.install;

import java.util.ArrayList;
import java.util.List;

/**
 * A unified diff of two texts, as {@code diff -u} prints it, with three lines of context. Files are
 * small (config files, scripts), so a plain longest-common-subsequence table is enough.
 */
final class UnifiedDiff {
    private static final int CONTEXT = 3;
    private static final long MAX_CELLS = 16_000_000L;

    private UnifiedDiff() {}

    /** The diff from {@code before} to {@code after}; null stands for an absent file. Empty when equal. */
    static String diff(String oldName, String before, String newName, String after) {
        List<String> a = lines(before);
        List<String> b = lines(after);
        if (a.equals(b)) {
            return "";
        }
        List<int[]> ops = script(a, b); // each: {kind, indexA, indexB} kind 0 same, 1 delete, 2 insert
        StringBuilder out = new StringBuilder();
        out.append("--- ").append(before == null ? "/dev/null" : oldName).append('\n');
        out.append("+++ ").append(after == null ? "/dev/null" : newName).append('\n');
        int i = 0;
        while (i < ops.size()) {
            if (ops.get(i)[0] == 0) {
                i++;
                continue;
            }
            int start = Math.max(0, i - CONTEXT);
            int end = i;
            int lastChange = i;
            while (end < ops.size()) {
                if (ops.get(end)[0] != 0) {
                    lastChange = end;
                } else if (end - lastChange > 2 * CONTEXT) {
                    break;
                }
                end++;
            }
            end = Math.min(ops.size(), lastChange + CONTEXT + 1);
            hunk(out, ops.subList(start, end), a, b);
            i = end;
        }
        return out.toString();
    }

    private static void hunk(StringBuilder out, List<int[]> ops, List<String> a, List<String> b) {
        int aStart = -1;
        int bStart = -1;
        int aCount = 0;
        int bCount = 0;
        for (int[] op : ops) {
            if (op[0] != 2) {
                aCount++;
                if (aStart < 0) {
                    aStart = op[1];
                }
            }
            if (op[0] != 1) {
                bCount++;
                if (bStart < 0) {
                    bStart = op[2];
                }
            }
        }
        int[] first = ops.getFirst();
        aStart = aStart < 0 ? first[1] : aStart + 1;
        bStart = bStart < 0 ? first[2] : bStart + 1;
        out.append("@@ -").append(range(aStart, aCount)).append(" +").append(range(bStart, bCount)).append(" @@\n");
        for (int[] op : ops) {
            String line = op[0] == 2 ? b.get(op[2]) : a.get(op[1]);
            char sign = op[0] == 0 ? ' ' : op[0] == 1 ? '-' : '+';
            out.append(sign).append(line.endsWith("\n") ? line : line + "\n\\ No newline at end of file\n");
        }
    }

    private static String range(int start, int count) {
        return count == 1 ? String.valueOf(start) : start + "," + count;
    }

    private static List<int[]> script(List<String> a, List<String> b) {
        int n = a.size();
        int m = b.size();
        List<int[]> ops = new ArrayList<>();
        if ((long) n * m > MAX_CELLS) {
            for (int i = 0; i < n; i++) {
                ops.add(new int[] {1, i, 0});
            }
            for (int j = 0; j < m; j++) {
                ops.add(new int[] {2, n, j});
            }
            return ops;
        }
        int[][] lcs = new int[n + 1][m + 1];
        for (int i = n - 1; i >= 0; i--) {
            for (int j = m - 1; j >= 0; j--) {
                lcs[i][j] = a.get(i).equals(b.get(j)) ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
            }
        }
        int i = 0;
        int j = 0;
        while (i < n || j < m) {
            if (i < n && j < m && a.get(i).equals(b.get(j))) {
                ops.add(new int[] {0, i++, j++});
            } else if (i < n && (j == m || lcs[i + 1][j] >= lcs[i][j + 1])) {
                ops.add(new int[] {1, i++, j});
            } else {
                ops.add(new int[] {2, i, j++});
            }
        }
        return ops;
    }

    /** The lines of a text, each with its newline (the last may lack one). */
    private static List<String> lines(String text) {
        List<String> lines = new ArrayList<>();
        if (text == null) {
            return lines;
        }
        int start = 0;
        while (start < text.length()) {
            int nl = text.indexOf('\n', start);
            int end = nl < 0 ? text.length() : nl + 1;
            lines.add(text.substring(start, end));
            start = end;
        }
        return lines;
    }
}

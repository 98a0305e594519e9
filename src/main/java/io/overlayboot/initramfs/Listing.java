package io.overlayboot.initramfs;

import io.overlayboot.core.Json;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Prints what an initrd holds, as text (one entry per line, names only or {@code ls -l} style,
 * control characters and non-UTF-8 bytes escaped as by {@link SafeName#printable}, then the segments) or as one JSON object ({@code entries} streamed first, then
 * {@code segments}), without keeping the entries in memory.
 */
public final class Listing implements InitrdReader.Visitor {
    private final PrintWriter out;
    private final boolean longFormat;
    private final boolean json;
    private final Progress progress;
    /** The text line being built: written out whole, with one call per entry. */
    private char[] line = new char[256];
    private int at;
    private Json.Stream jsonOut;

    /**
     * {@code out} may flush at every line (the CLI's stdout does): the listing writes through a
     * wrapper that does not, so a 1400-line listing is a few writes, not 1400 (flushed at the end).
     */
    public Listing(PrintWriter out, boolean longFormat, boolean json, Progress progress) {
        this.out = new PrintWriter(out, false);
        this.longFormat = longFormat;
        this.json = json;
        this.progress = progress;
    }

    /** Lists {@code initrd}; returns its segments. */
    public List<Segment> list(java.nio.file.Path initrd) throws IOException {
        if (json) {
            jsonOut = Json.stream(out).startObject().field("file", initrd.toString()).startArray("entries");
        }
        List<Segment> segments = InitrdReader.read(initrd, this);
        progress.done();
        if (json) {
            jsonOut.endArray().startArray("segments");
            for (Segment g : segments) {
                jsonOut.value(Json.object("index", g.index(), "offset", g.offset(), "length", g.length(),
                        "format", g.format(), "entries", g.entries(), "cpioBytes", g.cpioBytes()));
            }
            jsonOut.endArray().endObject().close();
            out.write('\n');
        } else {
            out.write('\n');
            for (Segment g : segments) {
                out.write(describe(g));
                out.write('\n');
            }
        }
        out.flush();
        return segments;
    }

    /**
     * One line for a segment, e.g. {@code segment 1: offset 2560, length 31203349, zstd, 1390 entries, 128941568 bytes of cpio}.
     * Built by hand, not with {@code String.format}: its first use sets up the locale data (CLDR),
     * a measurable part of a short listing's start.
     */
    public static String describe(Segment g) {
        StringBuilder sb = new StringBuilder(96).append("segment ").append(g.index()).append(": offset ").append(g.offset())
                .append(", length ").append(g.length());
        if (g.isPadding()) {
            return sb.append(", zero padding").toString();
        }
        return sb.append(", ").append(g.format().equals("none") ? "uncompressed" : g.format()).append(", ").append(g.entries())
                .append(" entries, ").append(g.cpioBytes()).append(" bytes of cpio").toString();
    }

    @Override
    public void entry(Segment segment, CpioEntry e, InitrdReader.Body body) {
        if (json) {
            Map<String, Object> entry = Json.object("segment", segment.index(), "name", e.name(),
                    "mode", octal6(e.mode()), "uid", e.uid(), "gid", e.gid(), "nlink", e.nlink(),
                    "size", e.size(), "mtime", e.mtime());
            if (e.isSymlink()) {
                entry.put("link", e.linkTarget());
            }
            if (e.isDevice()) {
                entry.put("rdev", e.rdevMajor() + ":" + e.rdevMinor());
            }
            jsonOut.value(entry);
            return;
        }
        int n = line(e); // first: it may replace the array with a larger one
        out.write(line, 0, n);
    }

    /**
     * Builds the text line for {@code e} in {@link #line}, ending in a newline; returns its length.
     * Written into a char array by hand rather than with a StringBuilder and {@code String}s per
     * field: a listing of 1400 entries spent a measurable part of its time there (docs/initramfs.md,
     * "One thread for a listing"). ListingLineTest compares the lines with what {@code String.format} prints.
     */
    int line(CpioEntry e) {
        at = 0;
        if (longFormat) {
            room(11);
            CpioEntry.modeChars(e.mode(), line, at);
            at += 10;
            line[at++] = ' ';
            number(e.nlink(), 3, true);
            number(e.uid(), 8, false);
            number(e.gid(), 8, false);
            if (e.isDevice()) {
                padded(e.rdevMajor() + ", " + e.rdevMinor(), 8, true);
            } else {
                number(e.size(), 8, true);
            }
            room(17);
            at = time(line, at, e.mtime());
            line[at++] = ' ';
        }
        text(SafeName.printable(e.name()));
        if (longFormat && e.isSymlink()) {
            text(" -> ");
            text(SafeName.printable(e.linkTarget()));
        }
        room(1);
        line[at++] = '\n';
        return at;
    }

    /** The line {@link #line(CpioEntry)} builds, without its newline (tests). */
    String lineOf(CpioEntry e) {
        int n = line(e);
        return new String(line, 0, n - 1);
    }

    private void room(int n) {
        if (at + n > line.length) {
            line = Arrays.copyOf(line, Math.max(2 * line.length, at + n));
        }
    }

    private void text(String s) {
        room(s.length());
        s.getChars(0, s.length(), line, at);
        at += s.length();
    }

    /** {@code s} and a space, padded with spaces to {@code width} on the left ({@code right}) or on the right. */
    private void padded(String s, int width, boolean right) {
        int after = fieldStart(s.length(), width, right);
        text(s);
        fieldEnd(after);
    }

    /**
     * {@code n} in decimal as {@code padded} would write it, digits written in place (no String per
     * field). A field stored as an int (uid, gid, nlink) of 0x80000000 or more is negative here and
     * prints as {@code Integer.toString} prints it, as the listing always did; {@code cpio -tv} would
     * print it unsigned.
     */
    private void number(long n, int width, boolean right) {
        if (n < 0) {
            padded(Long.toString(n), width, right);
            return;
        }
        int len = 1;
        for (long m = n; m >= 10; m /= 10) {
            len++;
        }
        int after = fieldStart(len, width, right);
        for (int i = at + len - 1; i >= at; i--) {
            line[i] = (char) ('0' + n % 10);
            n /= 10;
        }
        at += len;
        fieldEnd(after);
    }

    /**
     * Makes room for a field of {@code len} characters padded to {@code width} and a space, writes
     * the padding that goes before it; returns the padding that goes after it, for {@link #fieldEnd}.
     */
    private int fieldStart(int len, int width, boolean right) {
        int pad = Math.max(0, width - len);
        room(len + pad + 1);
        if (right) {
            spaces(pad);
            return 0;
        }
        return pad;
    }

    private void fieldEnd(int pad) {
        spaces(pad);
        line[at++] = ' ';
    }

    private void spaces(int n) {
        Arrays.fill(line, at, at + n, ' ');
        at += n;
    }

    /** {@code mode} as six octal digits, what {@code String.format("%06o", mode)} gives (ListingTest). */
    static String octal6(int mode) {
        String o = Integer.toOctalString(mode);
        return o.length() >= 6 ? o : "000000".substring(o.length()) + o;
    }

    @Override
    public void progress(long offset, long size) {
        progress.at(offset, size);
    }

    /**
     * Writes {@code seconds} since the epoch as "yyyy-MM-dd HH:mm" in UTC into {@code out} at
     * {@code at} (16 characters for the years a newc mtime can hold, 1970 to 2106); returns the index
     * after it. What {@code DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm")} at UTC prints
     * (ListingTimeTest compares the two). Written out because java.time's set-up was a measurable
     * part of {@code inspect --long}'s CPU time.
     */
    static int time(char[] out, int at, long seconds) {
        long days = Math.floorDiv(seconds, 86_400L);
        long secs = Math.floorMod(seconds, 86_400L);
        // civil date from days since 1970-01-01 (H. Hinnant's days_from_civil, inverted)
        long z = days + 719_468;
        long era = Math.floorDiv(z, 146_097);
        long doe = z - era * 146_097;
        long yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        long mp = (5 * doy + 2) / 153;
        long day = doy - (153 * mp + 2) / 5 + 1;
        long month = mp < 10 ? mp + 3 : mp - 9;
        long year = yoe + era * 400 + (month <= 2 ? 1 : 0);
        at = two(out, two(out, at, year / 100), year % 100);
        out[at++] = '-';
        at = two(out, at, month);
        out[at++] = '-';
        at = two(out, at, day);
        out[at++] = ' ';
        at = two(out, at, secs / 3600);
        out[at++] = ':';
        return two(out, at, secs / 60 % 60);
    }

    private static int two(char[] out, int at, long n) {
        out[at] = (char) ('0' + n / 10);
        out[at + 1] = (char) ('0' + n % 10);
        return at + 2;
    }
}

package io.overlayboot.initramfs;

import io.overlayboot.core.Json;
import java.io.IOException;
import java.io.PrintWriter;
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
    private final StringBuilder line = new StringBuilder(256);
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
            out.println();
        } else {
            out.println();
            for (Segment g : segments) {
                out.println(describe(g));
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
        line.setLength(0);
        if (longFormat) {
            line.append(e.modeString()).append(' ');
            pad(line, Integer.toString(e.nlink()), 3, true).append(' ');
            pad(line, Integer.toString(e.uid()), 8, false).append(' ');
            pad(line, Integer.toString(e.gid()), 8, false).append(' ');
            pad(line, e.isDevice() ? e.rdevMajor() + ", " + e.rdevMinor() : Long.toString(e.size()), 8, true).append(' ');
            time(line, e.mtime()).append(' ');
        }
        line.append(SafeName.printable(e.name()));
        if (longFormat && e.isSymlink()) {
            line.append(" -> ").append(SafeName.printable(e.linkTarget()));
        }
        out.println(line);
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
     * Appends {@code seconds} since the epoch as "yyyy-MM-dd HH:mm" in UTC, what
     * {@code DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm")} at UTC prints for the years a newc
     * mtime can hold (1970 to 2106; ListingTest compares the two). Written out because java.time's
     * set-up was a measurable part of {@code inspect --long}'s CPU time.
     */
    static StringBuilder time(StringBuilder sb, long seconds) {
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
        two(two(two(two(sb.append(year).append('-'), month).append('-'), day).append(' '), secs / 3600).append(':'), secs / 60 % 60);
        return sb;
    }

    private static StringBuilder two(StringBuilder sb, long n) {
        return sb.append((char) ('0' + n / 10)).append((char) ('0' + n % 10));
    }

    private static StringBuilder pad(StringBuilder sb, String s, int width, boolean right) {
        if (right) {
            sb.repeat(' ', Math.max(0, width - s.length())).append(s);
        } else {
            sb.append(s).repeat(' ', Math.max(0, width - s.length()));
        }
        return sb;
    }
}

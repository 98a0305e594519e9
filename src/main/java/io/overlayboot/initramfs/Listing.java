package io.overlayboot.initramfs;

import io.overlayboot.core.Json;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Prints what an initrd holds, as text (the segments, then one entry per line, names only or
 * {@code ls -l} style) or as one JSON object ({@code entries} streamed first, then
 * {@code segments}), without keeping the entries in memory.
 */
public final class Listing implements InitrdReader.Visitor {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm", Locale.ROOT).withZone(ZoneOffset.UTC);
    private final PrintWriter out;
    private final boolean longFormat;
    private final boolean json;
    private final Progress progress;
    private final StringBuilder line = new StringBuilder(256);
    private Json.Stream jsonOut;

    public Listing(PrintWriter out, boolean longFormat, boolean json, Progress progress) {
        this.out = out;
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

    /** One line for a segment, e.g. {@code segment 1: offset 2560, length 31203349, zstd, 1390 entries, 128941568 bytes of cpio}. */
    public static String describe(Segment g) {
        if (g.isPadding()) {
            return String.format(Locale.ROOT, "segment %d: offset %d, length %d, zero padding", g.index(), g.offset(), g.length());
        }
        return String.format(Locale.ROOT, "segment %d: offset %d, length %d, %s, %d entries, %d bytes of cpio",
                g.index(), g.offset(), g.length(), g.format().equals("none") ? "uncompressed" : g.format(), g.entries(),
                g.cpioBytes());
    }

    @Override
    public void entry(Segment segment, CpioEntry e, InitrdReader.Body body) {
        if (json) {
            Map<String, Object> entry = Json.object("segment", segment.index(), "name", e.name(),
                    "mode", String.format("%06o", e.mode()), "uid", e.uid(), "gid", e.gid(), "nlink", e.nlink(),
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
            line.append(TIME.format(Instant.ofEpochSecond(e.mtime()))).append(' ');
        }
        line.append(e.name());
        if (longFormat && e.isSymlink()) {
            line.append(" -> ").append(e.linkTarget());
        }
        out.println(line);
    }

    @Override
    public void progress(long offset, long size) {
        progress.at(offset, size);
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

package io.overlayboot.initramfs;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What {@code pack} needs to know about an existing initrd: its init-bottom ORDER, its kernel
 * version and module directory, whether it has the overlay module, and where an overlay that
 * overlayboot appended earlier starts (so appending again replaces it).
 *
 * @param order the last {@code scripts/init-bottom/ORDER} before overlayboot's overlay, or null
 * @param modulesDirs module directories seen, e.g. {@code usr/lib/modules/6.1.0-18-amd64}
 * @param overlayStart the offset of overlayboot's earlier overlay, or -1
 * @param lastFormat the format of the last segment before that overlay (or of the file)
 */
public record InitrdFacts(
        String order,
        List<String> modulesDirs,
        boolean hasOverlayModule,
        long overlayStart,
        long size,
        String lastFormat,
        List<Segment> segments) {

    /** The entry that marks an overlay written by {@code pack}; always its first file. */
    public static final String MARKER = "conf/overlayboot-overlay";

    static final String ORDER = "scripts/init-bottom/ORDER";
    private static final Pattern MODULE_DIR = Pattern.compile("((?:usr/)?lib/modules/[^/]+)");
    private static final Pattern OVERLAY_KO = Pattern.compile("(?:usr/)?lib/modules/[^/]+/.*/overlay\\.ko(?:\\.(?:xz|zst|gz))?");
    private static final Pattern BUILTIN = Pattern.compile("(?:usr/)?lib/modules/[^/]+/modules\\.builtin");
    private static final int MAX_SMALL_FILE = 4 << 20;

    /** Where the base initrd ends: before the earlier overlay, or the end of the file. */
    public long baseEnd() {
        return overlayStart >= 0 ? overlayStart : size;
    }

    /** The one kernel version of the initrd's modules, or null if there is none or several. */
    public String kernelVersion() {
        TreeSet<String> v = new TreeSet<>();
        modulesDirs.forEach(d -> v.add(d.substring(d.lastIndexOf('/') + 1)));
        return v.size() == 1 ? v.first() : null;
    }

    public static InitrdFacts scan(Path initrd) throws IOException {
        Scan s = new Scan();
        List<Segment> segments = InitrdReader.read(initrd, s);
        long overlayStart = -1;
        String lastFormat = null;
        for (Segment seg : segments) {
            if (seg.index() == s.overlaySegment) {
                overlayStart = seg.offset();
                break;
            }
            if (!seg.isPadding()) {
                lastFormat = seg.format();
            }
        }
        long size = segments.isEmpty() ? 0 : segments.getLast().offset() + segments.getLast().length();
        if (s.overlaySegment >= 0 && s.overlaySegment < segments.size() - 1
                && segments.subList(s.overlaySegment + 1, segments.size()).stream().anyMatch(x -> !x.isPadding())) {
            throw new ArchiveFormatException(String.format(
                    "the overlayboot overlay at offset %d is followed by other archives; refusing to rewrite it in place",
                    overlayStart));
        }
        return new InitrdFacts(s.order, List.copyOf(s.modulesDirs), s.overlayModule, overlayStart, size, lastFormat,
                segments);
    }

    private static final class Scan implements InitrdReader.Visitor {
        String order;
        final TreeSet<String> modulesDirs = new TreeSet<>();
        boolean overlayModule;
        int overlaySegment = -1;

        @Override
        public void entry(Segment segment, CpioEntry e, InitrdReader.Body body) throws IOException {
            if (overlaySegment >= 0) {
                return;
            }
            String name = e.path();
            if (name.equals(MARKER)) {
                overlaySegment = segment.index();
                return;
            }
            Matcher dir = MODULE_DIR.matcher(name);
            if (e.isDirectory() && dir.matches()) {
                modulesDirs.add(name);
            }
            if (OVERLAY_KO.matcher(name).matches() && e.isRegular()) {
                overlayModule = true;
            }
            if (e.isRegular() && BUILTIN.matcher(name).matches()) {
                overlayModule |= small(e, body).lines().anyMatch(l -> l.endsWith("/overlay.ko"));
            }
            if (e.isRegular() && name.equals(ORDER)) {
                order = small(e, body);
            }
        }

        private static String small(CpioEntry e, InitrdReader.Body body) throws IOException {
            if (e.size() > MAX_SMALL_FILE) {
                throw new ArchiveFormatException(String.format("'%s' (entry at offset %d) is %d bytes; expected a small text file",
                        e.name(), e.offset(), e.size()));
            }
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            body.copyTo(b);
            return b.toString(StandardCharsets.UTF_8);
        }
    }

    static List<String> lines(String s) {
        return s == null ? List.of() : new ArrayList<>(s.lines().toList());
    }
}

package io.overlayboot.initramfs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The text lines {@link Listing} builds by hand in a char array are what the same fields formatted
 * with {@code String.format} and java.time give, for every value a newc header can hold (ints past
 * 0x7fffffff are negative in {@link CpioEntry}, and print as they always did).
 */
class ListingLineTest {
    @TempDir
    Path tmp;

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm", Locale.ROOT).withZone(ZoneOffset.UTC);

    private static String expected(CpioEntry e, boolean longFormat) {
        StringBuilder b = new StringBuilder();
        if (longFormat) {
            b.append(e.modeString()).append(' ').append(String.format(Locale.ROOT, "%3s %-8s %-8s %8s ", e.nlink(), e.uid(), e.gid(),
                    e.isDevice() ? e.rdevMajor() + ", " + e.rdevMinor() : Long.toString(e.size())));
            b.append(TIME.format(Instant.ofEpochSecond(e.mtime()))).append(' ');
        }
        b.append(SafeName.printable(e.name()));
        if (longFormat && e.isSymlink()) {
            b.append(" -> ").append(SafeName.printable(e.linkTarget()));
        }
        return b.toString();
    }

    private static Listing listing(boolean longFormat) {
        return new Listing(new PrintWriter(new StringWriter()), longFormat, false, Progress.none());
    }

    @Provide
    Arbitrary<String> names() {
        return Arbitraries.oneOf(Arbitraries.strings().ofMinLength(1).ofMaxLength(300),
                Arbitraries.strings().withChars("abz./-_09\n\t\\\u202e\u00e9").ofMinLength(1).ofMaxLength(40));
    }

    @Property
    void longLinesAreWhatFormatPrinted(@ForAll("names") String name, @ForAll int mode, @ForAll int uid, @ForAll int gid,
            @ForAll int nlink, @ForAll @LongRange(min = 0, max = 0xFFFF_FFFFL) long mtime,
            @ForAll @LongRange(min = 0, max = 0xFFFF_FFFFL) long size, @ForAll int rdevMajor, @ForAll int rdevMinor,
            @ForAll("names") String target) {
        boolean link = (mode & CpioEntry.S_IFMT) == CpioEntry.S_IFLNK;
        CpioEntry e = new CpioEntry(name, mode, uid, gid, nlink, mtime, size, 1, 0, 0, rdevMajor, rdevMinor,
                link ? target : null, 0);
        assertThat(listing(true).lineOf(e)).isEqualTo(expected(e, true));
        assertThat(listing(false).lineOf(e)).isEqualTo(expected(e, false));
    }

    @Property
    void everyFileTypeIsShown(@ForAll("names") String name, @ForAll int permissions, @ForAll("types") int type, @ForAll int id) {
        int mode = type | (permissions & 07777);
        CpioEntry e = new CpioEntry(name, mode, id, -id, 1, 1_700_000_000L, 12, 1, 0, 0, 8, 1,
                type == CpioEntry.S_IFLNK ? "../" + name : null, 0);
        assertThat(listing(true).lineOf(e)).isEqualTo(expected(e, true));
    }

    @Provide
    Arbitrary<Integer> types() {
        return Arbitraries.of(CpioEntry.S_IFDIR, CpioEntry.S_IFLNK, CpioEntry.S_IFREG, CpioEntry.S_IFBLK, CpioEntry.S_IFCHR,
                CpioEntry.S_IFIFO, CpioEntry.S_IFSOCK, 0);
    }

    /**
     * What {@link Listing#list} writes: the lines of a real archive, also past a name longer than
     * the first buffer (the array is replaced while a line is built), then the segment line.
     */
    @Test
    void listWritesEveryLineWhole() throws IOException {
        String longName = "d/".repeat(1500) + "f";
        byte[] cpio = new RawCpio().add("a", 0100644, "abc").add(longName, 0100600, "x").add("bin", 0120777, "usr/bin")
                .add("b", 040755, "").finish();
        Path initrd = Fixtures.write(tmp, "long.img", cpio);
        StringWriter text = new StringWriter();
        java.util.List<Segment> segments = new Listing(new PrintWriter(text), true, false, Progress.none()).list(initrd);
        java.util.List<String> expected = new java.util.ArrayList<>();
        InitrdReader.read(initrd, (s, e, b) -> expected.add(expected(e, true)));
        expected.add("");
        expected.add(Listing.describe(segments.getFirst()));
        assertThat(text.toString()).isEqualTo(String.join("\n", expected) + "\n");
        assertThat(text.toString()).contains(" " + longName + "\n").contains(" bin -> usr/bin\n");
    }

    /** One listing builds many lines into the same buffer: a long line, then a short one, then a long one again. */
    @Test
    void theBufferIsReusedAndGrows() {
        Listing l = listing(true);
        CpioEntry big = new CpioEntry("d/".repeat(3000), 0100644, 0, 0, 1, 0, 5, 1, 0, 0, 0, 0, null, 0);
        CpioEntry small = new CpioEntry("a", 040755, -1, 4242, 2, 0xFFFF_FFFFL, 0, 1, 0, 0, 0, 0, null, 0);
        for (CpioEntry e : new CpioEntry[] {small, big, small, big}) {
            assertThat(l.lineOf(e)).isEqualTo(expected(e, true));
        }
        assertThat(l.lineOf(small)).isEqualTo("drwxr-xr-x   2 -1       4242            0 2106-02-07 06:28 a");
    }
}

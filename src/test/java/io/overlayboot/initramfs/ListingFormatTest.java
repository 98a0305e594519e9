package io.overlayboot.initramfs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The hand-written formatting of {@link Listing} and {@link Progress} is what the JDK's would print. */
class ListingFormatTest {
    @TempDir
    Path tmp;

    @Property
    void modesAreSixOctalDigitsAsFormatPrintsThem(@ForAll @IntRange(min = 0, max = 0xffff) int mode) {
        assertThat(Listing.octal6(mode)).isEqualTo(String.format("%06o", mode));
    }

    @Property
    void segmentLinesAreWhatFormatPrinted(@ForAll @IntRange(min = 0, max = 1000) int index,
            @ForAll @LongRange(min = 0, max = Long.MAX_VALUE / 2) long offset, @ForAll @LongRange(min = 0) long length,
            @ForAll @IntRange(min = 0, max = 5) int kind, @ForAll @LongRange(min = 0) long entries, @ForAll @LongRange(min = 0) long cpio) {
        String format = new String[] {Segment.PADDING, "none", "zstd", "gzip", "xz", "lz4"}[kind];
        Segment g = new Segment(index, offset, length, format, entries, cpio);
        String expected = g.isPadding()
                ? String.format(Locale.ROOT, "segment %d: offset %d, length %d, zero padding", index, offset, length)
                : String.format(Locale.ROOT, "segment %d: offset %d, length %d, %s, %d entries, %d bytes of cpio",
                        index, offset, length, format.equals("none") ? "uncompressed" : format, entries, cpio);
        assertThat(Listing.describe(g)).isEqualTo(expected);
    }

    @Test
    void progressShowsOnlyWhereStderrLeadsToATerminal() throws Exception {
        for (String target : new String[] {"/dev/pts/3", "/dev/tty1", "/dev/ttyS0", "/dev/console"}) {
            Path link = Files.createSymbolicLink(tmp.resolve("fd" + target.replace('/', '_')), Path.of(target));
            assertThat(Progress.isTerminal(link)).as(target).isTrue();
        }
        for (String target : new String[] {"/dev/null", "pipe:[1234]", "/tmp/log", "socket:[99]"}) {
            Path link = Files.createSymbolicLink(tmp.resolve("fd" + target.replaceAll("[/:\\[\\]]", "_")), Path.of(target));
            assertThat(Progress.isTerminal(link)).as(target).isFalse();
        }
        assertThat(Progress.isTerminal(tmp.resolve("absent"))).isFalse();
    }
}

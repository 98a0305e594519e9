package io.overlayboot.initramfs;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** {@link Listing#time} prints what java.time prints, for every mtime a newc header can hold. */
class ListingTimeTest {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm", Locale.ROOT).withZone(ZoneOffset.UTC);

    private static void same(long seconds) {
        char[] out = new char[20];
        out[0] = 'x';
        int end = Listing.time(out, 1, seconds);
        assertThat(end).isEqualTo(17);
        assertThat(new String(out, 1, end - 1)).as("%d", seconds)
                .isEqualTo(TIME.format(Instant.ofEpochSecond(seconds)));
    }

    @Test
    void edgesLeapDaysAndCenturies() {
        for (long s : new long[] {0, 59, 60, 3599, 3600, 86_399, 86_400, 951_782_400L /* 2000-02-29 */, 951_868_799L,
            1_700_000_000L, 4_107_542_399L /* 2100-02-28 23:59:59 */, 4_107_542_400L, 0xFFFF_FFFFL}) {
            same(s);
        }
    }

    @Test
    void everyDayAndRandomTimes() {
        for (long day = 0; day * 86_400 <= 0xFFFF_FFFFL; day++) {
            same(day * 86_400 + 43_261);
        }
        SplittableRandom random = new SplittableRandom(42);
        for (int i = 0; i < 100_000; i++) {
            same(random.nextLong(0x1_0000_0000L));
        }
    }
}

package io.overlayboot.initramfs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link ZstdSegmentInput} gives exactly the decoded bytes of one frame, read or skipped, with any
 * size of output buffer, decoding ahead on a thread or on the reader's own, and leaves the file
 * position right after the frame.
 */
class ZstdSegmentInputTest {
    @TempDir
    Path tmp;

    /** Half compressible, half random: blocks of every kind, and output much larger than input. */
    private static byte[] data(int size, long seed) {
        byte[] b = new byte[size];
        Random r = new Random(seed);
        for (int i = 0; i < size; i += 4096) {
            if (r.nextBoolean()) {
                byte[] chunk = new byte[Math.min(4096, size - i)];
                r.nextBytes(chunk);
                System.arraycopy(chunk, 0, b, i, chunk.length);
            }
        }
        return b;
    }

    @ParameterizedTest
    @CsvSource({"1000,--no-check,300000", "1000,--check,300000", "4096,--no-check,1000000", "262144,--no-check,1000000",
        "7,--no-check,20000", "7,--check,0"})
    void decodesTheWholeFrameAndStopsRightAfterIt(int targetSize, String check, int size) throws IOException {
        byte[] plain = data(size, size);
        byte[] frame = Fixtures.run(tmp, plain, "zstd", "-q", "-3", check);
        byte[] next = {'0', '7', '0', '7', '0', '1'};
        for (int run = 0; run < 8; run++) {
            boolean skip = run % 2 == 1;
            boolean ahead = run >= 4;
            // the frame at the end of the file, and followed by the next segment's first bytes
            Path file = Fixtures.write(tmp, "f.zst", frame, run % 4 < 2 ? new byte[0] : next);
            try (FileChannel ch = FileChannel.open(file)) {
                ChannelInput in = new ChannelInput(ch, 1 << 16);
                ByteArrayOutputStream got = new ByteArrayOutputStream();
                try (ZstdSegmentInput z = new ZstdSegmentInput(in, targetSize, ahead)) {
                    byte[] buf = new byte[777];
                    long skipped = 0;
                    int n;
                    while ((n = z.read(buf, 0, buf.length)) > 0) {
                        got.write(buf, 0, n);
                        if (skip) {
                            long k = z.skip(5000);
                            skipped += k;
                            got.write(new byte[(int) k], 0, (int) k); // placeholders, compared by length below
                        }
                    }
                    assertThat(z.read()).isEqualTo(-1);
                    assertThat(z.skip(10)).isZero();
                    assertThat(skipped).isGreaterThanOrEqualTo(skip && size > 0 ? 1 : 0);
                }
                if (skip) {
                    assertThat(got.size()).isEqualTo(plain.length);
                } else {
                    assertThat(Arrays.equals(got.toByteArray(), plain)).isTrue();
                }
                assertThat(in.position()).as("the file position after the frame").isEqualTo(frame.length);
            }
        }
    }

    /**
     * Closed after one read, the decoding thread (if any) ends, the file stays open for the reader,
     * and a read of the closed stream fails rather than hanging or going round forever.
     */
    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void closingEarlyStopsTheDecoderAndLeavesTheFileOpen(boolean ahead) throws IOException {
        byte[] frame = Fixtures.run(tmp, data(3_000_000, 5), "zstd", "-q");
        Path file = Fixtures.write(tmp, "early.zst", frame);
        try (FileChannel ch = FileChannel.open(file)) {
            ChannelInput in = new ChannelInput(ch, 1 << 16);
            ZstdSegmentInput z = new ZstdSegmentInput(in, 4096, ahead);
            assertThat(z.read()).isNotNegative();
            assertThat(z.decoding()).as("a frame larger than one buffer goes on on a thread only when ahead").isEqualTo(ahead);
            z.close();
            assertThat(z.decoding()).isFalse();
            assertThat(ch.isOpen()).isTrue();
            assertThatThrownBy(z::read).isInstanceOf(IOException.class).hasMessageContaining("after its stream was closed");
            assertThatThrownBy(() -> z.skip(100_000)).isInstanceOf(IOException.class);
            in.seek(0);
            assertThat(in.read()).isEqualTo(0x28);
        }
    }

    /** A frame that fits one buffer is decoded by the reader: no thread. */
    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void aSmallFrameIsDecodedWithoutAThread(boolean ahead) throws IOException {
        byte[] plain = data(3000, 7);
        Path file = Fixtures.write(tmp, "small.zst", Fixtures.run(tmp, plain, "zstd", "-q"));
        try (FileChannel ch = FileChannel.open(file);
                ZstdSegmentInput z = new ZstdSegmentInput(new ChannelInput(ch, 1 << 16), 4096, ahead)) {
            assertThat(z.readAllBytes()).isEqualTo(plain);
            assertThat(z.decoding()).isFalse();
        }
    }

    /** Not decoding ahead, a frame of many buffers is read whole and no thread is ever started. */
    @org.junit.jupiter.api.Test
    void notDecodingAheadStartsNoThread() throws IOException {
        byte[] plain = data(3_000_000, 11);
        Path file = Fixtures.write(tmp, "here.zst", Fixtures.run(tmp, plain, "zstd", "-q"));
        long before = decoderThreads();
        try (FileChannel ch = FileChannel.open(file);
                ZstdSegmentInput z = new ZstdSegmentInput(new ChannelInput(ch, 1 << 16), 4096, false)) {
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            byte[] buf = new byte[10_000];
            for (int n; (n = z.read(buf, 0, buf.length)) > 0; ) {
                got.write(buf, 0, n);
                assertThat(decoderThreads()).as("decoding threads, against those before").isLessThanOrEqualTo(before);
            }
            assertThat(Arrays.equals(got.toByteArray(), plain)).isTrue();
        }
    }

    /** Live threads that decode zstd ahead (tests of other classes may run them too, so callers compare). */
    static long decoderThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().equals("overlayboot-zstd")).count();
    }

    /**
     * A frame damaged in its middle: the data before the damage comes out, then zstd's error, again
     * at every later read (not a quiet end), with the file offset read so far.
     */
    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void aCorruptFrameFailsAfterItsGoodDataAndKeepsFailing(boolean ahead) throws IOException {
        byte[] frame = Fixtures.run(tmp, data(4_000_000, 9), "zstd", "-q", "--check");
        frame[frame.length / 2] ^= 0x55;
        frame[frame.length / 2 + 1] ^= 0x55;
        Path file = Fixtures.write(tmp, "bad.zst", frame);
        try (FileChannel ch = FileChannel.open(file)) {
            ChannelInput in = new ChannelInput(ch, 1 << 16);
            try (ZstdSegmentInput z = new ZstdSegmentInput(in, 4096, ahead)) {
                long got = 0;
                Throwable failure = null;
                try {
                    byte[] buf = new byte[4096];
                    for (int n; (n = z.read(buf, 0, buf.length)) > 0; ) {
                        got += n;
                    }
                } catch (IOException | RuntimeException e) {
                    failure = e;
                }
                assertThat(failure).as("the damage is found").isNotNull();
                assertThat(got).as("the data before the damage came out").isGreaterThan(0);
                Throwable first = failure;
                assertThatThrownBy(z::read).as("and it stays failed").isSameAs(first);
                assertThat(in.position()).isGreaterThan(0);
            }
        }
    }

    @ParameterizedTest
    @CsvSource({"--check,true", "--no-check,true", "--check,false", "--no-check,false"})
    void aCutFrameIsTruncatedWithItsOffset(String check, boolean ahead) throws IOException {
        byte[] frame = Fixtures.run(tmp, data(200_000, 3), "zstd", "-q", check);
        Path file = Fixtures.write(tmp, "cut.zst", new byte[8], Arrays.copyOf(frame, frame.length - 3));
        try (FileChannel ch = FileChannel.open(file)) {
            ChannelInput in = new ChannelInput(ch, 1 << 16);
            in.seek(8);
            try (ZstdSegmentInput z = new ZstdSegmentInput(in, 1000, ahead)) {
                assertThatThrownBy(() -> z.skip(Long.MAX_VALUE)).isInstanceOf(ArchiveFormatException.class)
                        .hasMessage("zstd frame at offset 8 is truncated: the file ends at offset " + (8 + frame.length - 3)
                                + " before the frame does");
            }
        }
    }
}

package io.overlayboot.initramfs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class InitrdReaderTest {
    @TempDir
    Path tmp;

    /*
     * tree/
     *   bin/ -> usr/bin (link)     usr/bin/busybox (100 KiB random)   usr/bin/sh (hard link to busybox)
     *   etc/a  (1 byte)            etc/abc (3 bytes)                  etc/empty (0 bytes)
     *   scripts/init-bottom/ORDER
     */
    Path tree;

    @BeforeEach
    void makeTree() throws IOException {
        tree = Files.createDirectories(tmp.resolve("tree"));
        Files.createDirectories(tree.resolve("usr/bin"));
        Files.createDirectories(tree.resolve("etc"));
        Files.createDirectories(tree.resolve("scripts/init-bottom"));
        byte[] busybox = new byte[100 * 1024];
        new java.util.Random(7).nextBytes(busybox);
        Files.write(tree.resolve("usr/bin/busybox"), busybox);
        Files.createLink(tree.resolve("usr/bin/sh"), tree.resolve("usr/bin/busybox"));
        Files.createSymbolicLink(tree.resolve("bin"), Path.of("usr/bin"));
        Files.writeString(tree.resolve("etc/a"), "a");
        Files.writeString(tree.resolve("etc/abc"), "abc");
        Files.writeString(tree.resolve("etc/empty"), "");
        Files.writeString(tree.resolve("scripts/init-bottom/ORDER"), "/scripts/init-bottom/udev \"$@\"\n");
    }

    static List<String> cpioNames(byte[] archive, Path dir) {
        return Fixtures.runText(dir, archive, "cpio", "--quiet", "-t").lines().toList();
    }

    @ParameterizedTest
    @CsvSource({"none,cat", "gzip,gzip -9n", "zstd,zstd -q -19", "xz,xz --check=crc32 -9", "lzma,lzma -9",
        "lz4,lz4 -q -9 -l", "bzip2,bzip2 -9"})
    void readsWhatGnuCpioAndEachCompressorWrote(String format, String compressor) throws IOException {
        byte[] cpio = Fixtures.gnuCpio(tree);
        byte[] compressed = Fixtures.run(tmp, cpio, "sh", "-c", compressor);
        // Debian's layout: an uncompressed early cpio (microcode), then the main archive.
        Path early = Files.createDirectories(tmp.resolve("early/kernel/x86/microcode"));
        Files.writeString(early.resolve("GenuineIntel.bin"), "microcode");
        byte[] earlyCpio = Fixtures.gnuCpio(tmp.resolve("early"));
        Path initrd = Fixtures.write(tmp, "initrd.img", earlyCpio, compressed);

        List<Segment> segments = new ArrayList<>();
        List<CpioEntry> entries = new ArrayList<>();
        List<Segment> result = InitrdReader.read(initrd, new InitrdReader.Visitor() {
            @Override
            public void entry(Segment s, CpioEntry e, InitrdReader.Body body) {
                entries.add(e);
            }

            @Override
            public void segment(Segment s) {
                segments.add(s);
            }
        });

        assertThat(result).isEqualTo(segments);
        List<Segment> archives = result.stream().filter(s -> !s.isPadding()).toList();
        assertThat(archives).extracting(Segment::format).containsExactly("none", format);
        assertThat(archives.get(1).offset()).isEqualTo(earlyCpio.length);
        // GNU cpio pads its archives to 512 bytes: the zeros after a plain archive are padding.
        assertThat(result.stream().filter(s -> s.offset() >= earlyCpio.length).mapToLong(Segment::length).sum())
                .isEqualTo(compressed.length);
        if (!format.equals("none")) { // a plain archive's cpio bytes stop at its trailer, before the zeros
            assertThat(archives.get(1).cpioBytes()).isEqualTo(cpio.length);
        }
        List<String> expected = new ArrayList<>(cpioNames(earlyCpio, tmp));
        expected.addAll(cpioNames(cpio, tmp));
        assertThat(entries).extracting(CpioEntry::name).isEqualTo(expected);
    }

    @Test
    void longListingMatchesGnuCpio() throws IOException {
        byte[] cpio = Fixtures.gnuCpio(tree);
        Path initrd = Fixtures.write(tmp, "initrd.img", cpio);
        List<String> ours = new ArrayList<>();
        InitrdReader.read(initrd, (s, e, b) -> ours.add(String.join(" ", e.modeString(), "" + e.nlink(), "" + e.uid(),
                "" + e.gid(), "" + e.size(), e.name() + (e.isSymlink() ? " -> " + e.linkTarget() : ""))));
        List<String> gnu = Fixtures.runText(tmp, cpio, "cpio", "--quiet", "-tv", "--numeric-uid-gid").lines()
                .map(l -> {
                    String[] f = l.trim().split("\\s+", 9); // mode nlink uid gid size mon day time name
                    return String.join(" ", f[0], f[1], f[2], f[3], f[4], f[8]);
                })
                .toList();
        assertThat(ours).isEqualTo(gnu);
    }

    @Test
    void zeroPaddingBetweenSegmentsIsItsOwnSegment() throws IOException {
        byte[] cpio = Fixtures.gnuCpio(tree);
        byte[] gz = Fixtures.run(tmp, cpio, "gzip", "-n");
        Path initrd = Fixtures.write(tmp, "initrd.img", cpio, new byte[512], gz, new byte[3]);
        List<Segment> s = InitrdReader.read(initrd, (seg, e, b) -> {});
        assertThat(s).extracting(Segment::format).containsExactly("none", "padding", "gzip", "padding");
        // GNU cpio's own padding to 512 bytes and ours merge into one run of zeros.
        assertThat(s.get(1).offset()).isEqualTo(s.get(0).length());
        assertThat(s.get(1).offset() + s.get(1).length()).isEqualTo(cpio.length + 512);
        assertThat(s.get(3).length()).isEqualTo(3);
    }

    @Test
    void twoZstdFramesAreTwoSegmentsAndLaterEntriesComeLast() throws IOException {
        byte[] a = Fixtures.run(tmp, Fixtures.gnuCpio(tree), "zstd", "-q");
        byte[] b = Fixtures.run(tmp, NewcWriterTest.pack(NewcWriterTest.ENTRIES, 0), "zstd", "-q");
        Path initrd = Fixtures.write(tmp, "initrd.img", a, b);
        List<String> names = Fixtures.names(initrd);
        assertThat(InitrdReader.read(initrd, (s, e, x) -> {})).extracting(Segment::format).containsExactly("zstd", "zstd");
        assertThat(names.getLast()).isEqualTo("lib");
    }

    /**
     * A zstd frame that decodes to much more than one buffer of output from little input: zstd has
     * consumed the whole file while it still holds decoded bytes, which must come out, not end in
     * "truncated". Also as a first segment followed by another, and with the data read and skipped.
     */
    @ParameterizedTest
    @CsvSource({"1024,false,--check", "3000,false,--check", "1024,true,--check", "1100,false,--no-check",
        "1100,true,--no-check", "1500,false,--no-check", "2222,true,--no-check", "3000,false,--no-check"})
    void aFrameThatHoldsMoreOutputThanItsInputIsReadToTheEnd(int kib, boolean readBodies, String check) throws IOException {
        Path big = Files.createDirectories(tmp.resolve("big"));
        Files.write(big.resolve("zeros"), new byte[kib << 10]);
        Files.write(big.resolve("after"), "after".getBytes(StandardCharsets.US_ASCII));
        byte[] cpio = Fixtures.gnuCpio(big);
        byte[] zst = Fixtures.run(tmp, cpio, "zstd", "-q", "-19", check);
        assertThat(zst.length).isLessThan(1 << 16);
        byte[] second = Fixtures.run(tmp, Fixtures.gnuCpio(tree), "zstd", "-q");
        for (Path initrd : List.of(Fixtures.write(tmp, "end.img", zst), Fixtures.write(tmp, "two.img", zst, second))) {
            List<String> names = new ArrayList<>();
            long[] bytes = {0};
            List<Segment> segments = InitrdReader.read(initrd, (seg, e, body) -> {
                names.add(e.name());
                if (readBodies) {
                    bytes[0] += body.copyTo(java.io.OutputStream.nullOutputStream());
                }
            });
            assertThat(names).as(initrd.toString()).contains("zeros", "after");
            assertThat(segments.getFirst().length()).isEqualTo(zst.length);
            assertThat(segments.getFirst().cpioBytes()).isEqualTo(cpio.length);
            if (readBodies) {
                assertThat(bytes[0]).isGreaterThanOrEqualTo((kib << 10) + 5L);
            }
        }
    }

    /** 300 files of 16 KiB of random bytes (4.8 MB that zstd cannot shrink) in a directory of their own. */
    private Path manyRandomFiles(long seed) throws IOException {
        Path files = Files.createDirectories(tmp.resolve("many" + seed));
        java.util.Random r = new java.util.Random(seed);
        for (int i = 0; i < 300; i++) {
            byte[] b = new byte[16 << 10];
            r.nextBytes(b);
            Files.write(files.resolve(String.format("f%03d", i)), b);
        }
        return files;
    }

    /** Progress moves through a zstd segment as its file is read, not only at the segment's end. */
    @Test
    void progressMovesWithinAZstdSegment() throws IOException {
        Path files = manyRandomFiles(1);
        Path initrd = Fixtures.write(tmp, "many.img", Fixtures.run(tmp, Fixtures.gnuCpio(files), "zstd", "-q", "-1"));
        long size = Files.size(initrd);
        List<Long> seen = new ArrayList<>();
        InitrdReader.read(initrd, new InitrdReader.Visitor() {
            @Override
            public void entry(Segment s, CpioEntry e, InitrdReader.Body b) {}

            @Override
            public void progress(long offset, long all) {
                seen.add(offset);
            }
        });
        assertThat(seen).as("offsets between the start and the end of the 4.8 MB segment").anyMatch(o -> o > 0 && o < size);
        assertThat(seen).isSorted().last().isEqualTo(size);
    }

    /** A zstd frame damaged in its middle is "corrupt", with the offset read so far, after the entries before the damage. */
    @Test
    void aCorruptZstdSegmentIsNamedAfterTheEntriesBeforeTheDamage() throws IOException {
        Path files = manyRandomFiles(2);
        byte[] zst = Fixtures.run(tmp, Fixtures.gnuCpio(files), "zstd", "-q", "-1");
        zst[zst.length / 2] ^= 0x55;
        zst[zst.length / 2 + 1] ^= 0x55;
        Path initrd = Fixtures.write(tmp, "bad.img", zst);
        List<String> names = new ArrayList<>();
        assertThatThrownBy(() -> InitrdReader.read(initrd, (s, e, b) -> names.add(e.name())))
                .isInstanceOf(ArchiveFormatException.class)
                .hasMessageStartingWith("zstd segment at offset 0 is corrupt or truncated (read up to offset ");
        assertThat(names).isNotEmpty().hasSizeLessThan(300);
    }

    @Test
    void entryDataIsStreamedToTheVisitor() throws IOException {
        Path initrd = Fixtures.write(tmp, "initrd.img", Fixtures.run(tmp, Fixtures.gnuCpio(tree), "xz", "--check=crc32"));
        ByteArrayOutputStream abc = new ByteArrayOutputStream();
        InitrdReader.read(initrd, (s, e, body) -> {
            if (e.name().equals("etc/abc")) {
                body.copyTo(abc);
            }
        });
        assertThat(abc.toString(StandardCharsets.UTF_8)).isEqualTo("abc");
    }

    @Test
    void truncatedArchivesFailWithTheOffset() throws IOException {
        byte[] cpio = Fixtures.gnuCpio(tree);
        Path plain = Fixtures.write(tmp, "plain.img", Arrays.copyOf(cpio, 50_000));
        assertThatThrownBy(() -> Fixtures.names(plain))
                .isInstanceOf(ArchiveFormatException.class)
                .hasMessageContaining("offset")
                .hasMessageContaining("declares 102400 data bytes");

        byte[] zst = Fixtures.run(tmp, cpio, "zstd", "-q");
        Path cut = Fixtures.write(tmp, "zstd.img", Arrays.copyOf(zst, zst.length - 10));
        assertThatThrownBy(() -> Fixtures.names(cut))
                .isInstanceOf(ArchiveFormatException.class)
                .hasMessageContaining("zstd frame at offset 0 is truncated");

        byte[] gz = Fixtures.run(tmp, cpio, "gzip");
        Path cutGz = Fixtures.write(tmp, "gz.img", Arrays.copyOf(gz, gz.length / 2));
        assertThatThrownBy(() -> Fixtures.names(cutGz))
                .isInstanceOf(ArchiveFormatException.class)
                .hasMessageContaining("gzip segment at offset 0 is truncated at offset");
    }

    /** An archive cut inside a name, a link target or the padding after data: each named exactly, with the offset. */
    @Test
    void cutsInsideAnEntryNameWhatWasCut() throws IOException {
        byte[] named = new RawCpio().add("etc/hostname", 0100644, "x").finish();
        Path inName = Fixtures.write(tmp, "name.img", Arrays.copyOf(named, 115));
        assertThatThrownBy(() -> Fixtures.names(inName)).isInstanceOf(ArchiveFormatException.class)
                .hasMessage("the name of the entry at file offset 0 is truncated at offset 115 (5 of 14 bytes)");

        byte[] linked = new RawCpio().add("bin", 0120777, "usr/bin").finish();
        // in a plain file the header's size is checked against the file's first; a compressed cpio ends unannounced
        byte[] cutLink = Fixtures.run(tmp, Arrays.copyOf(linked, 110 + 6 + 1), "gzip", "-n");
        Path inTarget = Fixtures.write(tmp, "link.img", cutLink);
        assertThatThrownBy(() -> Fixtures.names(inTarget)).isInstanceOf(ArchiveFormatException.class)
                .hasMessage("the target of link 'bin' at gzip data of the segment at offset 0 offset 0 is truncated"
                        + " at offset 117 (1 of 8 bytes)"); // 110 + "bin\\0" padded to 6, then 1 of the target's 8

        byte[] data = new RawCpio().add("a", 0100644, "abc").finish();
        Path inPadding = Fixtures.write(tmp, "pad.img", Arrays.copyOf(data, 115));
        assertThatThrownBy(() -> Fixtures.names(inPadding)).isInstanceOf(ArchiveFormatException.class)
                .hasMessage("padding after 'a' is truncated at offset 115 (0 of 1 bytes)");
    }

    /**
     * The visitor's {@link InitrdReader.Visitor#decodeAhead} reaches the zstd decoder: a thread
     * decodes a large frame ahead of an extraction, and none runs for a listing.
     */
    @Test
    void decodingAheadIsTheVisitorsChoice() throws IOException {
        Path big = Files.createDirectories(tmp.resolve("ahead"));
        byte[] random = new byte[8 << 20];
        new java.util.Random(3).nextBytes(random);
        Files.write(big.resolve("a-big"), random);
        Files.writeString(big.resolve("b-after"), "after");
        Path initrd = Fixtures.write(tmp, "ahead.img", Fixtures.run(tmp, Fixtures.gnuCpio(big), "zstd", "-q", "-1"));
        long before = ZstdSegmentInputTest.decoderThreads();
        for (boolean ahead : new boolean[] {true, false}) {
            long[] most = {0};
            InitrdReader.read(initrd, new InitrdReader.Visitor() {
                @Override
                public void entry(Segment s, CpioEntry e, InitrdReader.Body body) {
                    most[0] = Math.max(most[0], ZstdSegmentInputTest.decoderThreads() - before);
                }

                @Override
                public boolean decodeAhead() {
                    return ahead;
                }
            });
            if (ahead) {
                assertThat(most[0]).as("decoding threads while the entries are read, ahead").isPositive();
            } else {
                assertThat(most[0]).as("decoding threads while the entries are read, not ahead").isNotPositive();
            }
        }
        assertThat(new Extractor(tmp.resolve("x"), false, new java.io.PrintWriter(new java.io.StringWriter())).decodeAhead())
                .as("extracting decodes ahead").isTrue();
        assertThat(new Listing(new java.io.PrintWriter(new java.io.StringWriter()), true, false, Progress.none()).decodeAhead())
                .as("listing does not").isFalse();
        assertThat(OverlayModule.moduleTree(new Extractor(tmp.resolve("m"), false,
                new java.io.PrintWriter(new java.io.StringWriter())), Long.MAX_VALUE, "usr/lib/modules/6.1.0").decodeAhead())
                .as("the overlay module step extracts, so it decodes ahead").isTrue();
    }

    @Test
    void unknownDataIsNamedWithItsOffset() throws IOException {
        byte[] cpio = Fixtures.gnuCpio(tree);
        Path initrd = Fixtures.write(tmp, "initrd.img", cpio, "garbage!".getBytes(StandardCharsets.US_ASCII));
        assertThatThrownBy(() -> Fixtures.names(initrd))
                .isInstanceOf(ArchiveFormatException.class)
                .hasMessage("unknown data at offset " + cpio.length
                        + " (bytes \"garbag\"): not a cpio archive nor a compression the kernel unpacks");
    }
}

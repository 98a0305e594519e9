package io.overlayboot.initramfs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tag;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExtractorTest {
    @TempDir
    Path tmp;

    static final int DIR = 040755;
    static final int FILE = 0100644;
    static final int LINK = 0120777;

    private StringWriter warnings = new StringWriter();

    private List<Segment> extract(byte[] archive, Path out) throws IOException {
        Path img = Files.write(tmp.resolve("x" + System.nanoTime() + ".img"), archive);
        Extractor x = new Extractor(out, false, new PrintWriter(warnings, true));
        List<Segment> s = InitrdReader.read(img, x);
        x.finish();
        return s;
    }

    @Test
    void refusesDotDotAbsoluteNamesAndEscapingLinks() {
        Path out = tmp.resolve("out");
        assertThatThrownBy(() -> extract(new RawCpio().add("a/../../evil", FILE, "x").finish(), out))
                .isInstanceOf(ArchiveFormatException.class)
                .hasMessage("refusing name 'a/../../evil' with a '..' component (entry at file offset 0)");
        assertThatThrownBy(() -> extract(new RawCpio().add("/etc/passwd", FILE, "x").finish(), out))
                .hasMessage("refusing absolute name '/etc/passwd' (entry at file offset 0)");
        assertThatThrownBy(() -> extract(new RawCpio().add("d", DIR, "").add("d/up", LINK, "../..").finish(), out))
                .hasMessage("refusing link 'd/up' -> '../..': it points outside the directory (entry at file offset 112)");
        assertThat(tmp.resolve("evil")).doesNotExist();
    }

    @Test
    void neverWritesThroughALink() throws IOException {
        Path out = tmp.resolve("out");
        byte[] a = new RawCpio().add("lib", LINK, "usr/lib").add("usr", DIR, "").add("usr/lib", DIR, "")
                .add("lib/x", FILE, "through the link").finish();
        assertThatThrownBy(() -> extract(a, out))
                .hasMessageStartingWith("refusing 'lib/x': it would be written through the link 'lib'");
        assertThat(out.resolve("usr/lib/x")).doesNotExist();
    }

    @Test
    void skipsDeviceNodesUnlessAskedAndKeepsAbsoluteLinksThatStayInside() throws IOException {
        Path out = tmp.resolve("out");
        byte[] a = new RawCpio().add("dev", DIR, "")
                .add("dev/console", 020600, new byte[0], 1, 5, 1, 9)
                .add("etc", DIR, "").add("etc/mtab", LINK, "/proc/mounts").finish();
        extract(a, out);
        assertThat(out.resolve("dev/console")).doesNotExist();
        assertThat(warnings.toString()).contains("skipped device node 'dev/console' (entry at file offset 116)");
        assertThat(Files.readSymbolicLink(out.resolve("etc/mtab"))).hasToString("/proc/mounts");
    }

    @Test
    void laterEntriesReplaceEarlierOnesAndHardLinksShareData() throws IOException {
        Path out = tmp.resolve("out");
        byte[] first = new RawCpio().add("conf", FILE, "old").finish();
        byte[] second = new RawCpio().add("conf", FILE, "new")
                .add("a", FILE, new byte[0], 2, 0, 0, 77)
                .add("b", FILE, "shared".getBytes(StandardCharsets.UTF_8), 2, 0, 0, 77).finish();
        Path img = Fixtures.write(tmp, "two.img", first, Fixtures.run(tmp, second, "gzip"));
        Extractor x = new Extractor(out, false, new PrintWriter(warnings));
        InitrdReader.read(img, x);
        assertThat(out.resolve("conf")).hasContent("new");
        assertThat(out.resolve("a")).hasContent("shared");
        assertThat(Files.isSameFile(out.resolve("a"), out.resolve("b"))).isTrue();
    }

    @Test
    void unpacksARealDebianInitrdLikeGnuCpio() throws IOException {
        Path img = Fixtures.realInitrds().resolve("list-zstd.img");
        Path ours = tmp.resolve("ours");
        Path gnu = Files.createDirectories(tmp.resolve("gnu"));
        Extractor x = new Extractor(ours, false, new PrintWriter(warnings));
        InitrdReader.read(img, x);
        x.finish();
        Fixtures.run(gnu, Fixtures.run(tmp, null, "zstd", "-dc", img.toString()), "cpio", "--quiet", "-idm");
        // Same names, same contents, same links, same permission bits.
        Fixtures.run(tmp, null, "diff", "-r", "--no-dereference", ours.toString(), gnu.toString());
        String perms = "find . -printf '%M %p\\n' | LC_ALL=C sort";
        assertThat(Fixtures.runText(ours, null, "sh", "-c", perms)).isEqualTo(Fixtures.runText(gnu, null, "sh", "-c", perms));
    }

    // --- hostile input: mutated and truncated archives end in a result or a clean error, quickly ---

    record Case(int format, long seed, int mutations, int cut) {}

    @Provide
    Arbitrary<Case> cases() {
        return Combinators.combine(Arbitraries.integers().between(0, FORMATS.length - 1), Arbitraries.longs(),
                Arbitraries.integers().between(0, 8), Arbitraries.integers().between(0, 100)).as(Case::new);
    }

    static final String[] FORMATS = {"cat", "gzip", "zstd -q", "xz --check=crc32", "lzma", "lz4 -q -l", "bzip2"};
    private static final byte[][] ARCHIVES = new byte[FORMATS.length][];

    static byte[] sample(int format) {
        synchronized (ARCHIVES) {
            if (ARCHIVES[format] == null) {
                byte[] cpio = new RawCpio().add("etc", DIR, "").add("etc/conf", FILE, "x".repeat(3000))
                        .add("bin", LINK, "usr/bin").add("usr", DIR, "").add("usr/bin", DIR, "")
                        .add("usr/bin/sh", 0100755, "#!/bin/sh\n".repeat(200)).finish();
                ARCHIVES[format] = Fixtures.run(null, cpio, "sh", "-c", FORMATS[format]);
            }
            return ARCHIVES[format];
        }
    }

    @Property(tries = 300)
    @Tag("property")
    void mutatedOrTruncatedArchivesEndInAResultOrACleanError(@ForAll("cases") Case c) throws IOException {
        byte[] a = sample(c.format()).clone();
        java.util.Random r = new java.util.Random(c.seed());
        for (int i = 0; i < c.mutations(); i++) {
            a[r.nextInt(a.length)] = (byte) r.nextInt(256);
        }
        if (c.cut() < 30) { // truncate about a third of the cases
            a = java.util.Arrays.copyOf(a, r.nextInt(a.length) + 1);
        }
        Path base = Files.createTempDirectory("overlayboot-prop");
        try {
            Path img = Files.write(base.resolve("in.img"), a);
            Path out = base.resolve("out");
            final byte[] archive = a;
            Assertions.assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
                try {
                    InitrdReader.read(img, (s, e, b) -> {});
                } catch (ArchiveFormatException expected) {
                    assertThat(expected.getMessage()).containsIgnoringCase("offset");
                }
                try {
                    Extractor x = new Extractor(out, false, new PrintWriter(new StringWriter()));
                    InitrdReader.read(img, x);
                    x.finish();
                } catch (ArchiveFormatException expected) {
                    assertThat(expected.getMessage()).containsIgnoringCase("offset");
                }
            }, () -> "no result within 10 s for " + archive.length + " bytes");
            try (Stream<Path> s = Files.list(base)) {
                assertThat(s.map(p -> p.getFileName().toString()).sorted().toList()).isSubsetOf("in.img", "out");
            }
        } finally {
            Fixtures.run(null, null, "rm", "-rf", base.toString());
        }
    }
}

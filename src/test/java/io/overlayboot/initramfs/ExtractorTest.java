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
                .hasMessage("refusing link 'd/up' -> '../..': it leads outside the directory (entry at file offset 112)");
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
    void skipsDeviceNodesUnlessAskedAndMakesAbsoluteLinksRelativeToTheDirectory() throws IOException {
        Path out = tmp.resolve("out");
        byte[] a = new RawCpio().add("dev", DIR, "")
                .add("dev/console", 020600, new byte[0], 1, 5, 1, 9)
                .add("etc", DIR, "").add("etc/mtab", LINK, "/proc/mounts")
                .add("bin", LINK, "/usr/bin").add("top", LINK, "/").finish();
        extract(a, out);
        assertThat(out.resolve("dev/console")).doesNotExist();
        assertThat(warnings.toString()).contains("skipped device node 'dev/console' (entry at file offset 116)");
        // Inside the initramfs they mean the same; here they cannot reach the host's /proc, /usr or /.
        assertThat(Files.readSymbolicLink(out.resolve("etc/mtab"))).hasToString("../proc/mounts");
        assertThat(Files.readSymbolicLink(out.resolve("bin"))).hasToString("usr/bin");
        assertThat(Files.readSymbolicLink(out.resolve("top"))).hasToString(".");
    }

    /*
     * x/up1 -> ..          (x/up1 is the root)
     * x/up2 -> up1/..      (lexically x, really the root's parent)
     * ...
     * x/esc -> up6/etc/shadow
     */
    @Test
    void refusesAChainOfLinksThatLeavesTheDirectoryThroughLinkedComponents() throws IOException {
        Path out = tmp.resolve("out");
        RawCpio a = new RawCpio().add("x", DIR, "").add("x/up1", LINK, "..");
        for (int k = 2; k <= 6; k++) {
            a.add("x/up" + k, LINK, "up" + (k - 1) + "/..");
        }
        a.add("x/esc", LINK, "up6/etc/shadow");
        assertThatThrownBy(() -> extract(a.finish(), out))
                .isInstanceOf(ArchiveFormatException.class)
                .hasMessageStartingWith("refusing link 'x/up2' -> 'up1/..': it leads outside the directory");
        assertThat(out.resolve("x/up2")).doesNotExist();
        assertNothingLeadsOutside(out);
    }

    @Test
    void refusesALinkThatMakesAnEarlierLinkLeaveTheDirectory() throws IOException {
        Path out = tmp.resolve("out");
        // x/a -> m/.. is x while m is missing; x/m -> .. would make it the root's parent.
        byte[] a = new RawCpio().add("x", DIR, "").add("x/a", LINK, "m/..").add("x/m", LINK, "..").finish();
        assertThatThrownBy(() -> extract(a, out))
                .isInstanceOf(ArchiveFormatException.class)
                .hasMessageStartingWith("refusing 'x/m' -> '..': the earlier link 'x/a' -> 'm/..' would then lead outside the directory");
        assertThat(out.resolve("x/m")).doesNotExist();
        // Replacing a link by a directory changes what '..' after it means, too.
        Path out2 = tmp.resolve("out2");
        byte[] b = new RawCpio().add("x", DIR, "").add("x/d", DIR, "").add("x/d/e", DIR, "").add("x/m", LINK, "d/e")
                .add("x/a", LINK, "m/../../..").add("x/m", DIR, "").finish();
        assertThatThrownBy(() -> extract(b, out2)).hasMessageContaining("the earlier link 'x/a' -> 'm/../../..'");
        assertNothingLeadsOutside(out2);
    }

    @Test
    void acceptsLinksThatStayInsideThroughOtherLinks() throws IOException {
        Path out = tmp.resolve("out");
        byte[] a = new RawCpio().add("usr", DIR, "").add("usr/lib", DIR, "").add("lib", LINK, "usr/lib")
                .add("usr/lib/x", FILE, "x").add("y", LINK, "lib/../lib/x").add("loop", LINK, "loop/a")
                .add("dangling", LINK, "no/such/../file").finish();
        extract(a, out);
        assertThat(out.resolve("y")).hasContent("x");
        assertNothingLeadsOutside(out);
    }

    @Test
    @org.junit.jupiter.api.Timeout(120)
    void unpacksTwoThousandNestedDirectories() throws IOException {
        Path out = Files.createDirectories(tmp.resolve("o"));
        RawCpio a = new RawCpio();
        StringBuilder name = new StringBuilder("d");
        for (int i = 0; i < 2000; i++) {
            a.add(name.toString(), DIR, "");
            name.append("/d");
        }
        a.add(name + "f", FILE, "deep");
        try {
            extract(a.finish(), out);
            assertThat(Files.readString(out.resolve(name + "f"))).isEqualTo("deep");
        } finally {
            Fixtures.run(null, null, "rm", "-rf", out.toString()); // JUnit's own removal is quadratic in the depth
        }
    }

    @Test
    void refusesNamesThisSystemCannotWriteByteForByte() throws IOException {
        Path out = tmp.resolve("out");
        byte[] a = TestArchives.rawNames("a\u00ff\u00fe", "a\u00fe\u00ff");
        assertThatThrownBy(() -> extract(a, out))
                .isInstanceOf(ArchiveFormatException.class)
                .hasMessageStartingWith("refusing name 'a\\xff\\xfe': it is not valid UTF-8");
        try (Stream<Path> s = Files.list(out)) {
            assertThat(s).isEmpty();
        }
    }

    @Test
    void refusesToReadAFifo() throws IOException {
        Path fifo = tmp.resolve("fifo");
        Fixtures.run(tmp, null, "mkfifo", fifo.toString());
        Assertions.assertTimeoutPreemptively(Duration.ofSeconds(20), () -> assertThatThrownBy(
                () -> InitrdReader.read(fifo, (s, e, b) -> {}))
                .isInstanceOf(ArchiveFormatException.class)
                .hasMessage("'" + fifo + "' is a fifo, not a regular file or block device"));
    }

    @Test
    void aFailingWriteIsNotReportedAsACorruptSegment() throws IOException {
        byte[] cpio = new RawCpio().add("f", FILE, "x".repeat(10_000)).finish();
        Path img = Files.write(tmp.resolve("g.img"), Fixtures.run(tmp, cpio, "gzip"));
        IOException full = new IOException("No space left on device");
        assertThatThrownBy(() -> InitrdReader.read(img, (s, e, b) -> b.copyTo(new java.io.OutputStream() {
            @Override
            public void write(int c) throws IOException {
                throw full;
            }
        }))).isSameAs(full);
        IOException mkdir = new java.nio.file.FileSystemException("out/f", null, "No space left on device");
        assertThatThrownBy(() -> InitrdReader.read(img, (s, e, b) -> {
            throw mkdir;
        })).isSameAs(mkdir);
    }

    /** Every path under {@code out} resolves, with existing links followed and missing parts taken as written, inside it. */
    static void assertNothingLeadsOutside(Path out) throws IOException {
        Path real = out.toRealPath();
        List<String> paths;
        try (Stream<Path> s = Files.walk(real)) {
            paths = s.map(Path::toString).toList();
        }
        for (String p : paths) {
            try {
                Path r = Path.of(p).toRealPath();
                assertThat(r.startsWith(real)).as("%s resolves to %s", p, r).isTrue();
            } catch (java.nio.file.FileSystemException unresolvable) {
                // dangling or a loop: checked by the resolver below
            }
        }
        // An independent resolver, as the kernel resolves but taking missing parts as written (a later
        // '..' climbs back out of them) and skipping a path that meets a loop or more than 40 links:
        // such a path resolves nowhere, for the kernel too. Not os.path.realpath: when a missing part
        // comes before a loop, its non-strict form returns the loop's path with the rest applied
        // lexically, a false escape (a -> c/../b/../.. with b -> b); coreutils' realpath -m does not
        // return on a link like loop -> loop/a.
        List<String> cmd = new java.util.ArrayList<>(List.of("timeout", "60", Fixtures.python3(), "-S", "-c",
                String.join("\n", "import os, stat, sys",
                        "def walk(at, target, budget):",
                        "    if target.startswith('/'):",
                        "        at = '/'",
                        "    for c in target.split('/'):",
                        "        if c in ('', '.'):",
                        "            continue",
                        "        if c == '..':",
                        "            at = os.path.dirname(at)",
                        "            continue",
                        "        nxt = os.path.join(at, c)",
                        "        try:",
                        "            link = stat.S_ISLNK(os.lstat(nxt).st_mode)",
                        "        except OSError:",
                        "            link = False",
                        "        if not link:",
                        "            at = nxt",
                        "            continue",
                        "        budget[0] -= 1",
                        "        if budget[0] < 0:",
                        "            return None",
                        "        at = walk(at, os.readlink(nxt), budget)",
                        "        if at is None:",
                        "            return None",
                        "    return at",
                        "for p in sys.argv[1:]:",
                        "    r = walk('/', p, [40])",
                        "    if r is not None:",
                        "        sys.stdout.write(r + '\\0')")));
        cmd.addAll(paths);
        try {
            Process pr = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String resolved = new String(pr.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(pr.waitFor()).as("the resolver's exit status").isZero();
            for (String r : resolved.split("\0")) {
                if (!r.isEmpty()) {
                    assertThat(Path.of(r).startsWith(real)).as("the resolver gives %s", r).isTrue();
                }
            }
        } catch (InterruptedException e) {
            throw new IOException(e);
        }
    }

    /** The check itself: a loop met after a missing part resolves nowhere; a missing part then '..' up and out escapes. */
    @Test
    void theEscapeCheckSkipsLoopsAndCatchesEscapesThroughMissingParts() throws IOException {
        Path out = Files.createDirectories(tmp.resolve("check"));
        Files.createSymbolicLink(out.resolve("b"), Path.of("b"));
        Files.createSymbolicLink(out.resolve("a"), Path.of("c/../b/../.."));
        assertNothingLeadsOutside(out); // once failed: os.path.realpath applied the '../..' after the loop
        Files.createSymbolicLink(out.resolve("up"), Path.of("c/../.."));
        assertThatThrownBy(() -> assertNothingLeadsOutside(out)).isInstanceOf(AssertionError.class)
                .hasMessageContaining("the resolver gives " + tmp.toRealPath());
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
        // extract writes an absolute link target relative to the link's directory (same meaning inside
        // the target, and it cannot reach the host): do the same to GNU cpio's result before comparing.
        Fixtures.run(tmp, null, Fixtures.python3(), "-c", """
                import os, sys
                root = sys.argv[1]
                for d, dirs, files in os.walk(root):
                    for n in dirs + files:
                        p = os.path.join(d, n)
                        if os.path.islink(p) and os.readlink(p).startswith('/'):
                            t = os.path.relpath(os.path.join(root, os.readlink(p).lstrip('/')), d)
                            os.remove(p)
                            os.symlink(t, p)
                """, gnu.toString());
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
            deleteTree(base);
        }
    }

    /**
     * Every path under {@code dir} (itself included) with its type, size and modification time, as
     * lstat sees them (links not followed), sorted: what {@code find -printf '%p %y %s %T@'} printed,
     * without three processes per try of the property.
     */
    private static String snapshot(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.map(p -> {
                try {
                    var a = Files.readAttributes(p, java.nio.file.attribute.BasicFileAttributes.class,
                            java.nio.file.LinkOption.NOFOLLOW_LINKS);
                    String type = a.isSymbolicLink() ? "l" : a.isDirectory() ? "d" : a.isRegularFile() ? "f" : "o";
                    return p + " " + type + " " + a.size() + " " + a.lastModifiedTime().toInstant();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).sorted().reduce("", (x, y) -> x + y + "\n");
        }
    }

    /**
     * rm -rf in process (a process per try costs more than the try on a loaded machine): links are
     * deleted, never followed (Files.walk does not follow them); rm -rf when that fails.
     */
    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException | java.io.UncheckedIOException e) {
            Fixtures.run(null, null, "rm", "-rf", dir.toString());
        }
    }

    // --- generated archives with links: nothing of the result leads outside, nothing outside is written ---

    record Op(int kind, String name, String target) {}

    @Provide
    Arbitrary<List<Op>> linkyArchives() {
        Arbitrary<String> component = Arbitraries.of("a", "b", "c");
        Arbitrary<String> name = component.list().ofMinSize(1).ofMaxSize(3).map(l -> String.join("/", l));
        Arbitrary<String> target = Combinators.combine(Arbitraries.of("", "/"),
                Arbitraries.of("..", "..", ".", "a", "b", "c", "outside", "").list().ofMinSize(1).ofMaxSize(5))
                .as((lead, l) -> lead + String.join("/", l))
                .filter(t -> !t.isEmpty());
        Arbitrary<Op> op = Combinators.combine(Arbitraries.integers().between(0, 3), name, target).as(Op::new);
        return op.list().ofMinSize(1).ofMaxSize(14);
    }

    @Property(tries = 200)
    @Tag("property")
    void noPathOfTheResultLeadsOutsideAndNothingOutsideIsWritten(@ForAll("linkyArchives") List<Op> ops) throws IOException {
        RawCpio a = new RawCpio();
        for (Op o : ops) {
            switch (o.kind()) {
                case 0 -> a.add(o.name(), DIR, "");
                case 1 -> a.add(o.name(), FILE, "data");
                default -> a.add(o.name(), LINK, o.target()); // links twice as often
            }
        }
        Path base = Files.createTempDirectory("overlayboot-links");
        try {
            Path outside = Files.createDirectories(base.resolve("outside"));
            Files.writeString(outside.resolve("a"), "secret");
            Files.createDirectories(outside.resolve("b/c"));
            String before = snapshot(outside);
            Path img = Files.write(base.resolve("in.img"), a.finish());
            Path out = base.resolve("out");
            try {
                Extractor x = new Extractor(out, false, new PrintWriter(new StringWriter()));
                InitrdReader.read(img, x);
                x.finish();
            } catch (ArchiveFormatException refused) {
                assertThat(refused.getMessage()).contains("offset");
            }
            assertNothingLeadsOutside(out);
            assertThat(snapshot(outside)).isEqualTo(before);
            assertThat(outside.resolve("a")).hasContent("secret");
            try (Stream<Path> s = Files.list(base)) {
                assertThat(s.map(p -> p.getFileName().toString()).sorted().toList()).isSubsetOf("in.img", "out", "outside");
            }
        } finally {
            deleteTree(base);
        }
    }

}

package io.overlayboot.cli;

import io.overlayboot.core.ExitCode;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class InspectCommandTest {
    @TempDir
    Path tmp;

    /** Entry lines only: everything before the blank line that precedes the segment table. */
    static List<String> entries(String out) {
        return out.substring(0, out.indexOf("\n\nsegment ") + 1).lines().toList();
    }

    @ParameterizedTest
    @ValueSource(strings = {"most-zstd", "list-gzip", "list-zstd", "list-xz", "list-lzma", "list-lz4", "list-bzip2"})
    void listsARealDebianInitrdAsLsinitramfsDoes(String name) {
        Path img = PackCommandTest.initrds().resolve(name + ".img");
        Cli.Run r = PackCommandTest.run("inspect", img.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(entries(r.out())).isEqualTo(PackCommandTest.sh(tmp, null, "lsinitramfs " + img).lines().toList());
    }

    @Test
    void longListingHasLsinitramfsColumnsAndEarlyCpioComesFirst() throws IOException {
        Path main = PackCommandTest.initrds().resolve("list-zstd.img");
        Path early = Files.createDirectories(tmp.resolve("early/kernel/x86/microcode"));
        Files.writeString(early.resolve("AuthenticAMD.bin"), "microcode");
        PackCommandTest.sh(tmp.resolve("early"), null, "find . -mindepth 1 | LC_ALL=C sort | cpio --quiet -o -H newc > ../early.cpio");
        PackCommandTest.sh(tmp, null, "cat early.cpio " + main + " > initrd.img");
        Path img = tmp.resolve("initrd.img");

        Cli.Run r = PackCommandTest.run("inspect", "--long", img.toString());
        assertThat(r.code()).as(r.err()).isZero();
        // mode, links, size and name (plus link target) agree with lsinitramfs -l for every entry
        List<String> ours = entries(r.out()).stream().map(InspectCommandTest::fields).toList();
        List<String> debian = PackCommandTest.sh(tmp, null, "lsinitramfs -l " + img).lines()
                .filter(l -> !l.isBlank() && !l.startsWith("Early CPIO") && !l.startsWith("Main archive"))
                .map(InspectCommandTest::fields).toList();
        assertThat(ours).isEqualTo(debian);
        long mainEntries = PackCommandTest.sh(tmp, null, "lsinitramfs " + main).lines().count();
        assertThat(r.out()).contains("segment 0: offset 0, length 660, uncompressed, 4 entries")
                .contains("segment 1: offset 660, length 364, zero padding")
                .contains("segment 2: offset 1024, length " + Files.size(main) + ", zstd, " + mainEntries + " entries");
    }

    /** mode, nlink, size, name [-> target] of an ls -l style line (owner and time columns differ). */
    static String fields(String line) {
        String[] f = line.trim().split("\\s+");
        int name = line.contains(" -> ") ? f.length - 3 : f.length - 1;
        return String.join(" ", f[0], f[1], f[4], String.join(" ", List.of(f).subList(name, f.length)));
    }

    @Test
    void jsonAndDamagedInput() throws IOException {
        Path img = PackCommandTest.initrds().resolve("list-gzip.img");
        Cli.Run r = PackCommandTest.run("inspect", "--json", img.toString());
        long entries = PackCommandTest.sh(tmp, null, "lsinitramfs " + img).lines().count();
        assertThat(r.out()).startsWith("{\"file\":").contains("\"name\":\"scripts/init-bottom/ORDER\"")
                .contains("\"segments\":[{\"index\":0,\"offset\":0,\"length\":" + Files.size(img)
                        + ",\"format\":\"gzip\",\"entries\":" + entries);

        byte[] all = Files.readAllBytes(img);
        Path cut = Files.write(tmp.resolve("cut.img"), java.util.Arrays.copyOf(all, all.length / 2));
        Cli.Run bad = PackCommandTest.run("inspect", cut.toString());
        assertThat(bad.code()).isEqualTo(ExitCode.BAD_INPUT.code());
        assertThat(bad.err()).startsWith("overlayboot: " + cut + ": gzip segment at offset 0 is truncated at offset ");
    }

    @Test
    @org.junit.jupiter.api.Timeout(300)
    void memoryStaysFlatWithManyCompressedSegments() throws Exception {
        byte[] one = io.overlayboot.initramfs.TestArchives.rawNames("f");
        Path img = tmp.resolve("many.img");
        try (var out = new java.io.BufferedOutputStream(Files.newOutputStream(img))) {
            for (int i = 0; i < 40_000; i++) {
                out.write(com.github.luben.zstd.Zstd.compress(one, 1));
            }
        }
        Cli.Run r = ExtractCommandTest.java(tmp,
                "JAVA_TOOL_OPTIONS=-Xmx64m exec /usr/bin/time -f 'peak %M KiB'", "inspect", img.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("segment 39999: offset ");
        long peakKib = Long.parseLong(r.err().replaceAll("(?s).*peak (\\d+) KiB.*", "$1"));
        // Unclosed zstd decoders took 1.1-1.5 GB here; the JVM itself needs about 100 MB.
        assertThat(peakKib).as("peak RSS in KiB").isLessThan(400_000);
    }
}

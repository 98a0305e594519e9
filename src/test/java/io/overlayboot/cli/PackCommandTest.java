package io.overlayboot.cli;

import io.overlayboot.core.ExitCode;
import static org.assertj.core.api.Assertions.assertThat;

import io.overlayboot.initramfs.InitrdReader;
import io.overlayboot.initramfs.Segment;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PackCommandTest {
    @TempDir
    Path tmp;

    static Cli.Run run(String... args) {
        return Cli.run(args);
    }

    static Path initrds() {
        return Path.of(sh(null, null, "e2e/build-initrds.sh").trim());
    }

    static String sh(Path dir, byte[] in, String cmd) {
        return new String(bytes(dir, in, cmd), StandardCharsets.UTF_8);
    }

    static byte[] bytes(Path dir, byte[] in, String cmd) {
        try {
            Path err = Files.createTempFile("sh", ".err");
            Process p = new ProcessBuilder("sh", "-c", cmd).directory(dir == null ? projectRoot().toFile() : dir.toFile())
                    .redirectError(err.toFile()).start();
            Thread feeder = Thread.ofVirtual().start(() -> {
                try (var o = p.getOutputStream()) {
                    if (in != null) {
                        o.write(in);
                    }
                } catch (IOException ignored) {
                    // the command may not read its input
                }
            });
            byte[] out = p.getInputStream().readAllBytes();
            feeder.join();
            if (p.waitFor() != 0) {
                throw new AssertionError(cmd + " failed: " + Files.readString(err));
            }
            return out;
        } catch (IOException | InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    static Path projectRoot() {
        Path p = Path.of("").toAbsolutePath();
        while (!Files.exists(p.resolve("pom.xml"))) {
            p = p.getParent();
        }
        return p;
    }

    static List<String> names(Path img) throws IOException {
        List<String> n = new ArrayList<>();
        InitrdReader.read(img, (s, e, b) -> n.add(s.index() + " " + e.name()));
        return n;
    }

    static String contentOf(Path img, String name) throws IOException {
        ByteArrayOutputStream last = new ByteArrayOutputStream();
        InitrdReader.read(img, (s, e, b) -> {
            if (e.name().equals(name)) {
                last.reset();
                b.copyTo(last);
            }
        });
        return last.toString(StandardCharsets.UTF_8);
    }

    @Test
    void overlayForARealInitrdRunsOverlaybootLastAndGnuCpioReadsIt() throws IOException {
        Path base = initrds().resolve("list-zstd.img");
        Path out = tmp.resolve("overlay.img");
        Cli.Run r = run("pack", "--out", out.toString(), "--initrd", base.toString(), "--compress", "none");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.err()).contains("merged scripts/init-bottom/ORDER").contains("already has the overlay module");

        String listing = sh(tmp, Files.readAllBytes(out), "cpio --quiet -t");
        assertThat(listing.lines()).startsWith("conf", "conf/overlayboot-overlay")
                .contains("etc/overlayboot.conf", "scripts/init-bottom/ORDER", "scripts/init-bottom/overlayboot");
        String order = sh(tmp, Files.readAllBytes(out), "cpio --quiet -i --to-stdout scripts/init-bottom/ORDER");
        assertThat(order).isEqualTo("""
                /scripts/init-bottom/overlayroot "$@"
                [ -e /conf/param.conf ] && . /conf/param.conf
                /scripts/init-bottom/udev "$@"
                [ -e /conf/param.conf ] && . /conf/param.conf
                /scripts/init-bottom/overlayboot "$@"
                [ -e /conf/param.conf ] && . /conf/param.conf
                """);
        String script = sh(tmp, Files.readAllBytes(out), "cpio --quiet -i --to-stdout scripts/init-bottom/overlayboot");
        assertThat(script).startsWith("#!/bin/sh");
        assertThat(sh(tmp, Files.readAllBytes(out), "cpio --quiet -tv scripts/init-bottom/overlayboot")).startsWith("-rwxr-xr-x");
    }

    @Test
    void sameInputsGiveByteIdenticalOverlays() throws IOException {
        Path base = initrds().resolve("list-gzip.img");
        for (String c : List.of("zstd", "gzip", "xz", "lz4")) {
            Path a = tmp.resolve("a." + c);
            Path b = tmp.resolve("b." + c);
            assertThat(run("pack", "--out", a.toString(), "--initrd", base.toString(), "--compress", c).code()).isZero();
            assertThat(run("pack", "--out", b.toString(), "--initrd", base.toString(), "--compress", c).code()).isZero();
            assertThat(Files.readAllBytes(a)).as(c).isEqualTo(Files.readAllBytes(b));
            // The host's own decompressor and GNU cpio read the overlay (lsinitramfs cannot: it takes
            // everything after the first compressed segment as one stream of that format).
            String decompress = switch (c) {
                case "zstd" -> "zstd -dc";
                case "gzip" -> "gzip -dc";
                case "xz" -> "xz -dc";
                default -> "lz4 -dc";
            };
            assertThat(sh(tmp, null, decompress + " < " + a + " | cpio --quiet -t")).as(c)
                    .contains("scripts/init-bottom/overlayboot");
        }
    }

    @Test
    void appendKeepsTheOriginalBytesAndReplacesItsOwnOverlayOnTheSecondRun() throws IOException {
        Path original = initrds().resolve("list-zstd.img");
        Path img = Files.copy(original, tmp.resolve("initrd.img"));
        byte[] before = Files.readAllBytes(img);

        Cli.Run first = run("pack", "--append-to", img.toString(), "--backup", "--size", "30%");
        assertThat(first.code()).as(first.err()).isZero();
        byte[] once = Files.readAllBytes(img);
        assertThat(Arrays.copyOf(once, before.length)).isEqualTo(before);
        assertThat(Files.readAllBytes(tmp.resolve("initrd.img.bak"))).isEqualTo(before);
        List<Segment> segments = InitrdReader.read(img, (s, e, b) -> {});
        // zero padding up to the next 4-byte boundary only when the stock initrd does not end on one
        List<String> expected = before.length % 4 == 0 ? List.of("zstd", "zstd") : List.of("zstd", "padding", "zstd");
        assertThat(segments).extracting(Segment::format).containsExactlyElementsOf(expected);
        assertThat(segments.getLast().offset()).isEqualTo((before.length + 3) / 4 * 4);
        assertThat(contentOf(img, "etc/overlayboot.conf")).contains("size=30%");
        // The overlay starts 4-byte aligned after the untouched bytes; zstd and GNU cpio read it.
        long start = segments.getLast().offset();
        assertThat(start % 4).isZero();
        assertThat(sh(tmp, null, "tail -c +" + (start + 1) + " " + img + " | zstd -dc | cpio --quiet -t"))
                .startsWith("conf\nconf/overlayboot-overlay\n");

        Cli.Run second = run("pack", "--append-to", img.toString(), "--backup", "--size", "30%");
        assertThat(second.code()).as(second.err()).isZero();
        assertThat(second.out()).contains("replacing the overlay appended earlier");
        assertThat(Files.readAllBytes(img)).isEqualTo(once);
        assertThat(Files.readAllBytes(tmp.resolve("initrd.img.bak"))).isEqualTo(before);
    }

    @Test
    void addsTheOverlayModuleWithIndexesModprobeCanUseWhenTheInitrdLacksIt() throws IOException {
        Path chroot = Path.of(sh(null, null, "e2e/build-chroot.sh").trim());
        String kver = Files.readString(chroot.resolve("usr/share/overlayboot-e2e/kernel-version")).trim();
        // A real initrd without the overlay module: Debian's, minus overlay.ko, indexes rebuilt by depmod.
        Path tree = Files.createDirectories(tmp.resolve("tree"));
        sh(tree, null, "zstd -dc " + initrds().resolve("list-zstd.img") + " | cpio --quiet -idm"
                + " && rm -r usr/lib/modules/" + kver + "/kernel/fs/overlayfs"
                + " && depmod -b usr " + kver
                + " && find . -mindepth 1 | LC_ALL=C sort | cpio --quiet -o -H newc | zstd -q > ../nooverlay.img");
        Path img = tmp.resolve("nooverlay.img");
        assertThat(sh(tmp, null, "lsinitramfs " + img)).doesNotContain("overlay.ko");

        Cli.Run r = run("pack", "--append-to", img.toString(), "--root", chroot.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.err()).contains("added the overlay module");

        Path x = tmp.resolve("x");
        assertThat(run("extract", img.toString(), x.toString()).code()).isZero();
        String deps = sh(tmp, null, "modprobe -d " + x.resolve("usr") + " -S " + kver + " --show-depends overlay");
        assertThat(deps).contains("insmod ").contains("kernel/fs/overlayfs/overlay.ko");
        // The modules the initrd had are still found through the regenerated index.
        assertThat(sh(tmp, null, "modprobe -d " + x.resolve("usr") + " -S " + kver + " --show-depends ext4"))
                .contains("ext4.ko");
    }

    @Test
    void onlyLz4MayFollowLz4() throws IOException {
        Path img = Files.copy(initrds().resolve("list-lz4.img"), tmp.resolve("initrd.img"));
        Cli.Run refused = run("pack", "--append-to", img.toString());
        assertThat(refused.code()).isEqualTo(ExitCode.BAD_INPUT.code());
        assertThat(refused.err()).contains("ends with an lz4 segment").contains("--compress lz4");

        Cli.Run ok = run("pack", "--append-to", img.toString(), "--compress", "lz4");
        assertThat(ok.code()).as(ok.err()).isZero();
        assertThat(InitrdReader.read(img, (s, e, b) -> {})).extracting(Segment::format).containsExactly("lz4", "lz4");
        // The lz4 tool, like the kernel, decodes the whole file as one stream: base cpio, then the overlay's.
        long cpio = InitrdReader.read(img, (s, e, b) -> {}).stream().mapToLong(Segment::cpioBytes).sum();
        assertThat(sh(tmp, null, "lz4 -dc < " + img + " | wc -c").trim()).isEqualTo(Long.toString(cpio));
        assertThat(names(img)).contains("1 scripts/init-bottom/overlayboot");
    }

    @Test
    void packsATreeAsFindSortCpioDoes() throws IOException {
        Path tree = Files.createDirectories(tmp.resolve("t/a/b"));
        Files.writeString(tree.resolve("f"), "data");
        Files.createSymbolicLink(tmp.resolve("t/l"), Path.of("a/b/f"));
        Path out = tmp.resolve("t.cpio");
        assertThat(run("pack", "--tree", tmp.resolve("t").toString(), "--out", out.toString(), "--compress", "none").code())
                .isZero();
        assertThat(sh(tmp, Files.readAllBytes(out), "cpio --quiet -t"))
                .isEqualTo(sh(tmp.resolve("t"), null, "find . -mindepth 1 | sed 's|^./||' | LC_ALL=C sort"));
    }

    @Test
    void badArgumentsAreUsageErrors() {
        assertThat(run("pack").code()).isEqualTo(ExitCode.USAGE.code());
        assertThat(run("pack", "--out", "x", "--compress", "brotli").err()).contains("'brotli' is not one of");
        assertThat(run("pack", "--out", "x", "--level", "42").err()).contains("--level 42 is out of range for zstd");
        assertThat(run("pack", "--out", "x", "--backup").err()).contains("--backup only goes with --append-to");
    }

    @Test
    void treeMustBeADirectoryAndALinkToOneIsFollowed() throws IOException {
        Path file = Files.writeString(tmp.resolve("file"), "x");
        Cli.Run r = run("pack", "--tree", file.toString(), "--out", tmp.resolve("o.img").toString());
        assertThat(r.code()).as(r.err()).isEqualTo(3);
        assertThat(r.err()).contains("'" + file + "' is not a directory").hasLineCount(1);
        Path dir = Files.createDirectories(tmp.resolve("d/sub"));
        Files.writeString(dir.resolve("f"), "data");
        Path link = Files.createSymbolicLink(tmp.resolve("link"), tmp.resolve("d"));
        r = run("pack", "--tree", link.toString(), "--out", tmp.resolve("l.img").toString(), "--compress", "none");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(sh(tmp, null, "cpio -t --quiet < l.img")).isEqualTo("sub\nsub/f\n");
    }

    @Test
    void aMissingOutputDirectoryIsNamed() {
        Path out = tmp.resolve("missing/x.img");
        Cli.Run r = run("pack", "--tree", tmp.toString(), "--out", out.toString());
        assertThat(r.code()).as(r.err()).isEqualTo(3);
        assertThat(r.err()).contains("the directory '" + tmp.resolve("missing") + "' of '" + out + "' does not exist");
    }
}

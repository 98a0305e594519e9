package io.overlayboot.initramfs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NewcWriterTest {
    @TempDir
    Path tmp;

    static final List<PackEntry> ENTRIES = List.of(
            PackEntry.directory("etc", 0755),
            PackEntry.file("etc/overlayboot.conf", 0644, "mode=tmpfs\n".getBytes(StandardCharsets.UTF_8)),
            PackEntry.directory("scripts", 0755),
            PackEntry.directory("scripts/init-bottom", 0755),
            PackEntry.file("scripts/init-bottom/overlayboot", 0755, "#!/bin/sh\necho hi\n".getBytes(StandardCharsets.UTF_8)),
            PackEntry.file("empty", 0600, new byte[0]),
            PackEntry.symlink("lib", "usr/lib"));

    static byte[] pack(List<PackEntry> entries, long mtime) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        Packer.write(entries, Compression.NONE, 0, mtime, b);
        return b.toByteArray();
    }

    @Test
    void gnuCpioListsAndExtractsWhatWeWrite() throws IOException {
        byte[] archive = pack(ENTRIES, 1700000000);

        String listing = Fixtures.runText(tmp, archive, "cpio", "--quiet", "-t");
        assertThat(listing.lines()).containsExactly(
                "etc", "etc/overlayboot.conf", "scripts", "scripts/init-bottom", "scripts/init-bottom/overlayboot", "empty", "lib");

        String verbose = Fixtures.runText(tmp, archive, "cpio", "--quiet", "-tv", "--numeric-uid-gid");
        assertThat(verbose.lines().filter(l -> l.endsWith("scripts/init-bottom/overlayboot")).findFirst().orElseThrow())
                .startsWith("-rwxr-xr-x   1 0        0              18 ");
        assertThat(verbose).contains("lib -> usr/lib");

        Path out = Files.createDirectory(tmp.resolve("out"));
        Fixtures.run(out, archive, "cpio", "--quiet", "-idm");
        assertThat(out.resolve("scripts/init-bottom/overlayboot")).hasContent("#!/bin/sh\necho hi");
        assertThat(Files.readSymbolicLink(out.resolve("lib"))).hasToString("usr/lib");
        assertThat(Files.getLastModifiedTime(out.resolve("etc/overlayboot.conf")).toMillis()).isEqualTo(1700000000_000L);
    }

    @Test
    void sameInputsGiveTheSameBytesAndFourByteAlignment() throws IOException {
        byte[] a = pack(ENTRIES, 0);
        byte[] b = pack(ENTRIES, 0);
        assertThat(a).isEqualTo(b);
        assertThat(a.length % 4).isZero();
        // uid/gid 0 and inode numbers 1, 2, 3 ... in entry order
        String header = new String(a, 0, 110, StandardCharsets.US_ASCII);
        assertThat(header).startsWith("070701" + "00000001" + "000041ED" + "00000000" + "00000000");
    }

    @Test
    void filesOnDiskAreStreamedWithTheirExactLength() throws IOException {
        Path big = tmp.resolve("big");
        byte[] data = new byte[3 << 20];
        new java.util.Random(1).nextBytes(data);
        Files.write(big, data);
        byte[] archive = pack(List.of(PackEntry.file("big", 0644, big, data.length)), 0);
        Path out = Files.createDirectory(tmp.resolve("x"));
        Fixtures.run(out, archive, "cpio", "--quiet", "-id");
        assertThat(Files.readAllBytes(out.resolve("big"))).isEqualTo(data);
    }
}

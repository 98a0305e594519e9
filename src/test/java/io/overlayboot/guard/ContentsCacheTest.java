package io.overlayboot.guard;

import static org.assertj.core.api.Assertions.assertThat;

import io.overlayboot.cli.Cli;
import io.overlayboot.initramfs.Compression;
import io.overlayboot.initramfs.PackEntry;
import io.overlayboot.initramfs.Packer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.zip.CRC32;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code status} with what it found in the initrds kept under {@code /run/overlayboot/initrds}
 * ({@link ContentsCache}), in a running system's root with GRUB and one kernel: <pre>
 * boot/grub/grub.cfg               one entry: vmlinuz-V aufs=tmpfs, initrd.img-V
 * boot/vmlinuz-V
 * boot/initrd.img-V                packed here (uncompressed cpio), with or without the boot script
 * lib/modules/V/kernel/fs/overlayfs/overlay.ko, modules.dep, modules.builtin
 * etc/overlayboot.conf
 * run/                             (the running system's tmpfs)
 * </pre>
 * and a mount table saying / is an overlay. Each test shows that a kept entry never gives another
 * verdict than reading the initrd would.
 */
class ContentsCacheTest {
    private static final String V = "6.1.0-9-amd64";
    private static final String INITRD = "boot/initrd.img-" + V;
    private static final String SCRIPT = "scripts/init-bottom/overlayboot";

    @TempDir
    Path root;

    private Path mounts;

    @BeforeEach
    void machine() throws IOException {
        write("boot/vmlinuz-" + V, "");
        write("boot/grub/grub.cfg", "set default=\"0\"\nmenuentry 'Debian GNU/Linux' --class debian $menuentry_id_option 'gnulinux-simple' {\n"
                + "\tlinux\t/boot/vmlinuz-" + V + " root=/dev/vda1 ro quiet aufs=tmpfs\n\tinitrd\t/" + INITRD + "\n}\n");
        write("lib/modules/" + V + "/kernel/fs/overlayfs/overlay.ko", "");
        write("lib/modules/" + V + "/modules.dep", "kernel/fs/overlayfs/overlay.ko:\n");
        write("lib/modules/" + V + "/modules.builtin", "kernel/fs/ext4/ext4.ko\n");
        write("etc/overlayboot.conf", "#mode=\n");
        Files.createDirectories(root.resolve("run"));
        mounts = Files.writeString(root.resolve("mounts"), "overlayboot / overlay rw,lowerdir=/ro 0 0\n");
    }

    private void write(String path, String text) throws IOException {
        Path p = root.resolve(path);
        Files.createDirectories(p.getParent());
        Files.writeString(p, text);
    }

    /**
     * An initramfs-tools initrd with overlayboot's files, uncompressed so that renaming one file to
     * a name of the same length keeps its size: <pre>
     * conf/initramfs.conf
     * etc/overlayboot.conf
     * lib -> usr/lib
     * scripts/init-bottom/ORDER                      runs /scripts/init-bottom/overlayboot
     * scripts/init-bottom/SCRIPT_NAME                the boot script, as named
     * usr/lib/modules/V/kernel/fs/overlayfs/overlay.ko
     * usr/sbin/blkid
     * usr/share/overlayboot/overlayboot-functions
     * </pre>
     */
    private static byte[] initrd(String scriptName) throws IOException {
        Map<String, String> files = new LinkedHashMap<>();
        files.put("conf/initramfs.conf", "MODULES=most\n");
        files.put("etc/overlayboot.conf", "#mode=\n");
        files.put("scripts/init-bottom/ORDER", "/" + SCRIPT + " \"$@\"\n");
        files.put(scriptName, "#!/bin/sh\n");
        files.put("usr/lib/modules/" + V + "/kernel/fs/overlayfs/overlay.ko", "");
        files.put("usr/sbin/blkid", "");
        files.put("usr/share/overlayboot/overlayboot-functions", "ob_main() { :; }\n");
        List<PackEntry> entries = new ArrayList<>();
        entries.add(PackEntry.symlink("lib", "usr/lib"));
        TreeSet<String> dirs = new TreeSet<>();
        for (String f : files.keySet()) {
            for (int slash = f.indexOf('/'); slash > 0; slash = f.indexOf('/', slash + 1)) {
                dirs.add(f.substring(0, slash));
            }
        }
        dirs.forEach(d -> entries.add(PackEntry.directory(d, 0755)));
        files.forEach((f, text) -> entries.add(PackEntry.file(f, 0644, text.getBytes(StandardCharsets.UTF_8))));
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        Packer.write(entries, Compression.NONE, 0, 0, out);
        return out.toByteArray();
    }

    private Cli.Run status(String... more) {
        List<String> args = new ArrayList<>(List.of("status", "--root", root.toString(), "--mounts", mounts.toString()));
        args.addAll(List.of(more));
        return Cli.run(args.toArray(String[]::new));
    }

    private Path entry() {
        return root.resolve(ContentsCache.DIR).resolve(ContentsCache.name(List.of("/" + INITRD)));
    }

    private static String unprotected() {
        return "next boot: UNPROTECTED: initrd /" + INITRD + " has no " + SCRIPT + " (the boot script)";
    }

    @Test
    void anInitrdRewrittenInPlaceWithItsSizeAndMtimeKeptIsReadAgain() throws IOException {
        Path initrd = root.resolve(INITRD);
        Files.write(initrd, initrd(SCRIPT));
        Cli.Run first = status();
        assertThat(first.out()).as(first.err()).contains("next boot: protected\n");
        assertThat(entry()).as("status kept what it found").isRegularFile();
        assertThat(status().out()).as("and finds it again").isEqualTo(first.out());

        // the same file (inode), the same size, the same mtime; only the ctime says it changed
        Object inode = Files.getAttribute(initrd, "unix:ino");
        FileTime mtime = Files.getLastModifiedTime(initrd);
        byte[] without = initrd("scripts/init-bottom/overlayboox");
        assertThat(without).hasSameSizeAs(Files.readAllBytes(initrd));
        Files.write(initrd, without);
        Files.setLastModifiedTime(initrd, mtime);
        assertThat(Files.getAttribute(initrd, "unix:ino")).isEqualTo(inode);

        Cli.Run second = status();
        assertThat(second.code()).as(second.out()).isEqualTo(io.overlayboot.core.ExitCode.NEXT_BOOT_UNPROTECTED.code());
        assertThat(second.out()).contains(unprotected());
        assertThat(status().out()).as("the new entry, kept for the changed file").isEqualTo(second.out());
    }

    /** A root whose run/ or run/overlayboot is a link leading out of it gets no entry anywhere. */
    @Test
    void nothingIsWrittenThroughALinkLeadingOutOfTheRoot(@TempDir Path outside) throws IOException {
        Files.write(root.resolve(INITRD), initrd(SCRIPT));
        Files.delete(root.resolve("run"));
        Files.createSymbolicLink(root.resolve("run"), outside);
        Cli.Run viaRun = status();
        assertThat(viaRun.code()).as(viaRun.err()).isZero();
        assertThat(outside.toFile().list()).as("nothing written through run -> outside").isEmpty();

        Files.delete(root.resolve("run"));
        Files.createDirectories(root.resolve("run"));
        Files.createSymbolicLink(root.resolve("run/overlayboot"), outside);
        assertThat(status().out()).isEqualTo(viaRun.out());
        assertThat(outside.toFile().list()).as("nothing written through run/overlayboot -> outside").isEmpty();

        Files.delete(root.resolve("run/overlayboot"));
        Files.createDirectories(root.resolve("run/overlayboot"));
        Files.createSymbolicLink(root.resolve("run/overlayboot/initrds"), outside);
        assertThat(status().out()).isEqualTo(viaRun.out());
        assertThat(outside.toFile().list()).as("nothing written through run/overlayboot/initrds -> outside").isEmpty();
    }

    @Test
    void anInitrdReplacedByAnotherFileIsReadAgain() throws IOException {
        Path initrd = root.resolve(INITRD);
        Files.write(initrd, initrd(SCRIPT));
        assertThat(status().out()).contains("next boot: protected\n");
        Path next = root.resolve("boot/initrd.img-new");
        Files.write(next, initrd("scripts/init-bottom/overlayboox"));
        Files.setLastModifiedTime(next, Files.getLastModifiedTime(initrd));
        Files.move(next, initrd, java.nio.file.StandardCopyOption.REPLACE_EXISTING); // as update-initramfs does
        assertThat(status().out()).contains(unprotected());
    }

    @Test
    void whatStatusSaysIsTheSameWithTheEntryAsWithoutIt() throws IOException {
        for (String script : List.of(SCRIPT, "scripts/init-bottom/overlayboox")) {
            Files.write(root.resolve(INITRD), initrd(script));
            Files.deleteIfExists(entry());
            Cli.Run read = status();
            Cli.Run readJson = status("--json");
            assertThat(entry()).isRegularFile();
            assertThat(status()).as(script).isEqualTo(read);
            assertThat(status("--json")).as(script).isEqualTo(readJson);
        }
    }

    @Test
    void theKeptContentsAreTheReadOnes() throws IOException {
        Path initrd = root.resolve(INITRD);
        Files.write(initrd, initrd(SCRIPT));
        ContentsCache cache = ContentsCache.of(root);
        InitrdContents read = cache.contents(List.of("/" + INITRD), List.of(initrd));
        InitrdContents kept = cache.contents(List.of("/" + INITRD), List.of(initrd));
        assertThat(kept).isEqualTo(read).isEqualTo(InitrdContents.read(List.of(initrd)));
        assertThat(read.has("usr/sbin/blkid")).isTrue();
        assertThat(read.has("sbin/blkid")).as("no sbin -> usr/sbin link in this initrd").isFalse();
        assertThat(read.text("etc/overlayboot.conf")).contains("#mode=\n");
        assertThat(read.modules()).containsExactly("usr/lib/modules/" + V + "/kernel/fs/overlayfs/overlay.ko");
    }

    /** A kept entry saying the boot script is there, for the initrd as it is now, which lacks it. */
    private String forgedEntry() throws IOException {
        Path initrd = root.resolve(INITRD);
        Files.write(initrd, initrd(SCRIPT));
        status();
        String good = Files.readString(entry());
        Files.delete(entry());
        Files.write(initrd, initrd("scripts/init-bottom/overlayboox"));
        status();
        String now = Files.readString(entry());
        String fileLine = now.lines().filter(l -> l.startsWith("file ")).findFirst().orElseThrow();
        String body = good.substring(0, good.lastIndexOf("crc ")).replaceAll("(?m)^file .*$", java.util.regex.Matcher.quoteReplacement(fileLine));
        CRC32 crc = new CRC32();
        crc.update(body.getBytes(StandardCharsets.UTF_8));
        return body + "crc " + Long.toHexString(crc.getValue()) + "\n";
    }

    @Test
    void anEntryOnlyRootOrThisUserCouldHaveWrittenIsBelievedAndADamagedOneIsNot() throws IOException {
        String forged = forgedEntry();
        Files.writeString(entry(), forged);
        Files.setPosixFilePermissions(entry(), PosixFilePermissions.fromString("rw-r--r--"));
        assertThat(status().out()).as("a well-formed entry of root's matching the file is believed: this test can fail")
                .contains("next boot: protected\n");

        Files.writeString(entry(), forged);
        Files.setPosixFilePermissions(entry(), PosixFilePermissions.fromString("rw-rw-rw-"));
        assertThat(status().out()).as("writable by everyone").contains(unprotected());

        Files.writeString(entry(), forged.replace("has " + SCRIPT, "has " + SCRIPT + " "));
        assertThat(status().out()).as("CRC32 wrong").contains(unprotected());

        Files.writeString(entry(), forged.substring(0, forged.length() / 2));
        assertThat(status().out()).as("cut short").contains(unprotected());

        String crcOk = forged.replace("lacks bin/blkid\n", "");
        String body = crcOk.substring(0, crcOk.lastIndexOf("crc "));
        CRC32 crc = new CRC32();
        crc.update(body.getBytes(StandardCharsets.UTF_8));
        Files.writeString(entry(), body + "crc " + Long.toHexString(crc.getValue()) + "\n");
        assertThat(status().out()).as("a question it does not answer (an older overlayboot's entry)").contains(unprotected());

        Files.delete(entry());
        Files.createSymbolicLink(entry(), root.resolve("elsewhere"));
        Files.writeString(root.resolve("elsewhere"), forged);
        assertThat(status().out()).as("a link").contains(unprotected());
    }

    /** Entries in a directory others may write (or a link to one) are not believed: anyone could have put them there. */
    @Test
    void anEntryInADirectoryOthersCanWriteIsNotBelieved() throws IOException {
        String forged = forgedEntry();
        Files.writeString(entry(), forged);
        Files.setPosixFilePermissions(entry(), PosixFilePermissions.fromString("rw-r--r--"));
        assertThat(status().out()).as("believed in a guarded directory: this test can fail").contains("next boot: protected\n");

        Files.writeString(entry(), forged);
        Files.setPosixFilePermissions(root.resolve(ContentsCache.DIR), PosixFilePermissions.fromString("rwxrwxrwx"));
        assertThat(status().out()).as("initrds/ writable by everyone").contains(unprotected());

        Files.setPosixFilePermissions(root.resolve(ContentsCache.DIR), PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.writeString(entry(), forged);
        Files.setPosixFilePermissions(root.resolve("run/overlayboot"), PosixFilePermissions.fromString("rwxrwx---"));
        assertThat(status().out()).as("overlayboot/ writable by its group").contains(unprotected());
    }

    @Test
    void withoutRunOrWithAnUnwritableCacheStatusStillTells() throws IOException {
        Files.write(root.resolve(INITRD), initrd("scripts/init-bottom/overlayboox"));
        Files.delete(root.resolve("run"));
        assertThat(status().out()).contains(unprotected());
        assertThat(root.resolve("run")).as("nothing made where the root has no /run").doesNotExist();

        Files.createDirectories(root.resolve("run/overlayboot"));
        Files.writeString(root.resolve(ContentsCache.DIR), "a file where the directory would be");
        Cli.Run r = status();
        assertThat(r.out()).contains(unprotected());
        assertThat(r.err()).isEmpty();
    }

    @Test
    void entryNamesStayInTheDirectory() {
        assertThat(ContentsCache.name(List.of("/boot/initrd.img-6.1.0-9-amd64"))).isEqualTo("boot_initrd.img-6.1.0-9-amd64");
        assertThat(ContentsCache.name(List.of("/boot/ucode.img", "/boot/initrd.img"))).isEqualTo("boot_ucode.img+_boot_initrd.img");
        assertThat(ContentsCache.name(List.of("/../..", "x"))).isEqualTo("+x");
        assertThat(ContentsCache.name(List.of("a".repeat(300)))).hasSize(200);
        assertThat(ContentsCache.name(List.of("/"))).isEqualTo("initrd");
    }
}

package io.overlayboot.install;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import io.overlayboot.files.FileMeta;
import io.overlayboot.render.RenderRequest;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Install and uninstall on a jimfs Debian tree whose GRUB has no drop-in support, for generated
 * {@code /etc/default/grub} files: uninstall gives back the exact bytes, mode and owner of every
 * file, and installing twice leaves the same tree as installing once.
 */
class InstallerProperties {
    private static final Path LOCKS = Path.of(System.getProperty("java.io.tmpdir"), "overlayboot-test-locks");

    @Property(tries = 60)
    void installThenUninstallGivesBackTheExactTree(@ForAll("grubFiles") String grub) throws Exception {
        try (FileSystem fs = fs()) {
            Path root = tree(fs, grub);
            List<String> before = describe(root);
            Installer installer = new Installer(context(root));
            installer.install(new RenderRequest(Map.of(), List.of(), true));
            String edited = Files.readString(root.resolve("etc/default/grub"));
            assertThat(GrubScanner.scan(edited).getLast().tokens()).containsOnlyOnce("aufs=tmpfs");
            List<String> once = describe(root);
            installer.install(new RenderRequest(Map.of(), List.of(), true));
            assertThat(describe(root)).isEqualTo(once);
            new Uninstaller(context(root)).uninstall();
            assertThat(describe(root)).isEqualTo(before);
        }
    }

    @Provide
    Arbitrary<String> grubFiles() {
        return GrubEditorProperties.files(true);
    }

    private static FileSystem fs() {
        return Jimfs.newFileSystem(Configuration.unix().toBuilder().setAttributeViews("basic", "owner", "posix", "unix").build());
    }

    private static Path tree(FileSystem fs, String grub) throws IOException {
        Path root = fs.getPath("/target");
        write(root, "etc/default/grub", grub, 0640);
        new FileMeta(0640, "root", "adm").apply(root.resolve("etc/default/grub"));
        write(root, "etc/initramfs-tools/initramfs.conf", "MODULES=most\n", 0644);
        Files.createDirectories(root.resolve("etc/initramfs-tools/hooks"));
        write(root, "lib/modules/6.1.0-test/kernel/fs/overlayfs/overlay.ko", "", 0644);
        write(root, "usr/sbin/update-initramfs", "#!/bin/sh\n", 0755);
        write(root, "usr/sbin/grub-mkconfig", "#!/bin/sh\n. /etc/default/grub\n", 0755);
        return root;
    }

    private static void write(Path root, String relative, String text, int mode) throws IOException {
        Path p = root.resolve(relative);
        Files.createDirectories(p.getParent());
        Files.writeString(p, text);
        Files.setPosixFilePermissions(p, FileMeta.permissionsOf(mode));
    }

    private static RunContext context(Path root) {
        Reporter reporter = new Reporter(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()), false);
        return new RunContext(new Target(root, false, root.resolve("no-mounts")), reporter, Confirmation.yes(), false, false,
                LOCKS, Duration.ofSeconds(5));
    }

    private static List<String> describe(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            return s.sorted().map(p -> {
                try {
                    FileMeta meta = FileMeta.read(p);
                    String content = Files.isDirectory(p) ? "dir" : HexFormat.of().formatHex(Files.readAllBytes(p));
                    return root.relativize(p) + " " + meta + " " + content;
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).toList();
        }
    }
}

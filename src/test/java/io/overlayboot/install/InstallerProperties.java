package io.overlayboot.install;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import io.overlayboot.files.FileMeta;
import io.overlayboot.render.RenderRequest;
import java.io.IOException;
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
            Apply installer = new Apply(context(root));
            installer.run(Planner.install(RenderRequest.of(Map.of(), List.of(), true)));
            String edited = Files.readString(root.resolve("etc/default/grub"));
            assertThat(GrubScanner.scan(edited).getLast().tokens()).containsOnlyOnce("aufs=tmpfs");
            List<String> once = describe(root);
            installer.run(Planner.install(RenderRequest.of(Map.of(), List.of(), true)));
            assertThat(describe(root)).isEqualTo(once);
            new Apply(context(root)).run(Planner.uninstall());
            assertThat(describe(root)).isEqualTo(before);
        }
    }

    /** Directories install writes into; any of them may be turned into a link. */
    static final List<String> COMPONENTS = List.of("etc", "etc/default", "etc/initramfs-tools", "etc/initramfs-tools/hooks",
            "etc/initramfs-tools/scripts", "etc/initramfs-tools/scripts/init-bottom", "etc/sysctl.d", "var", "var/lib",
            "var/lib/overlayboot", "var/lib/overlayboot/backup");

    /** How a directory is replaced by a link: to a copy outside the root (absolute, or by '..'), or inside it. */
    enum LinkKind { OUTSIDE_ABSOLUTE, OUTSIDE_DOTDOT, INSIDE_RELATIVE, INSIDE_ABSOLUTE }

    record Linked(String component, LinkKind kind) {}

    /**
     * With links at random components of the paths install writes (some leading out of the root, some
     * staying in): nothing outside the root changes; a refused install changes nothing at all; with
     * only inside links install succeeds; and when install succeeds, uninstall gives back the tree
     * byte for byte, links included.
     */
    @Property(tries = 80)
    void linksAtAnyComponentNeverLetAWriteOutOfTheRoot(@ForAll("linkSets") List<Linked> links) throws Exception {
        try (FileSystem fs = fs()) {
            Path root = tree(fs, "GRUB_CMDLINE_LINUX_DEFAULT=\"quiet\"\n");
            write(root, "etc/overlayboot.conf", "size=10%\n", 0600);
            Files.createDirectories(root.resolve("etc/sysctl.d"));
            Files.createDirectories(root.resolve("var/lib/overlayboot/backup"));
            Files.createDirectories(fs.getPath("/outside"));
            int n = 0;
            for (Linked l : links) {
                linkAway(root, l, n++);
            }
            Files.writeString(fs.getPath("/outside/keep"), "host file\n");
            List<String> outside = describe(fs.getPath("/outside"));
            List<String> before = describe(root);
            RenderRequest request = RenderRequest.of(Map.of(), List.of(io.overlayboot.render.Sysctl.parse("vm.swappiness=10")), true);
            boolean installed;
            try {
                new Apply(context(root)).run(Planner.install(request));
                installed = true;
            } catch (io.overlayboot.core.OverlaybootException e) {
                assertThat(e.exitCode()).as(e.getMessage()).isEqualTo(io.overlayboot.core.ExitCode.ENVIRONMENT);
                assertThat(e.getMessage()).contains("leads out of the target root");
                installed = false;
            }
            assertThat(describe(fs.getPath("/outside"))).isEqualTo(outside);
            if (!installed) {
                assertThat(describe(root)).isEqualTo(before);
                assertThat(links).anyMatch(l -> l.kind() == LinkKind.OUTSIDE_ABSOLUTE || l.kind() == LinkKind.OUTSIDE_DOTDOT);
                return;
            }
            new Apply(context(root)).run(Planner.uninstall());
            assertThat(describe(root)).isEqualTo(before);
            assertThat(describe(fs.getPath("/outside"))).isEqualTo(outside);
        }
    }

    @Provide
    Arbitrary<List<Linked>> linkSets() {
        return net.jqwik.api.Combinators.combine(net.jqwik.api.Arbitraries.of(COMPONENTS), net.jqwik.api.Arbitraries.of(LinkKind.class))
                .as(Linked::new).list().ofMaxSize(3).uniqueElements(Linked::component)
                .map(l -> l.stream().sorted(java.util.Comparator.comparing(Linked::component)).toList());
    }

    /** Moves the directory at {@code l.component()} elsewhere and puts a link to it in its place. */
    private static void linkAway(Path root, Linked l, int n) throws IOException {
        Path dir = root.resolve(l.component());
        if (!Files.isDirectory(dir)) {
            return;
        }
        FileSystem fs = root.getFileSystem();
        Path away = switch (l.kind()) {
            case OUTSIDE_ABSOLUTE, OUTSIDE_DOTDOT -> fs.getPath("/outside/d" + n);
            case INSIDE_RELATIVE, INSIDE_ABSOLUTE -> root.resolve("moved/d" + n);
        };
        Files.createDirectories(away.getParent());
        Files.move(dir, away);
        Path real = dir.getParent().toRealPath();
        Path target = switch (l.kind()) {
            case OUTSIDE_ABSOLUTE, INSIDE_ABSOLUTE -> away;
            case OUTSIDE_DOTDOT, INSIDE_RELATIVE -> real.relativize(away);
        };
        Files.createSymbolicLink(dir, target);
    }

    @Provide
    Arbitrary<String> grubFiles() {
        return GrubEditorProperties.files(true);
    }

    static FileSystem fs() {
        return Jimfs.newFileSystem(Configuration.unix().toBuilder().setAttributeViews("basic", "owner", "posix", "unix").build());
    }

    static Path tree(FileSystem fs, String grub) throws IOException {
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

    static void write(Path root, String relative, String text, int mode) throws IOException {
        Path p = root.resolve(relative);
        Files.createDirectories(p.getParent());
        Files.writeString(p, text);
        Files.setPosixFilePermissions(p, FileMeta.permissionsOf(mode));
    }

    static RunContext context(Path root) {
        return new RunContext(new Target(root, false, root.resolve("no-mounts")), Log.SILENT, Confirmation.yes(), false, false,
                LOCKS, Duration.ofSeconds(5));
    }

    /** Every path below {@code root} with its mode, owner and content; links as their target, never followed. */
    static List<String> describe(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            return s.sorted().map(p -> {
                try {
                    if (Files.isSymbolicLink(p)) {
                        return root.relativize(p) + " -> " + Files.readSymbolicLink(p);
                    }
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

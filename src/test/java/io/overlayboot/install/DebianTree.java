package io.overlayboot.install;

import io.overlayboot.files.Digests;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;

/**
 * A real directory tree shaped like a Debian root, for install and uninstall tests:
 *
 * <pre>
 * etc/default/grub                                 0644 0:0   Debian 12's (grub/fixtures/debian-12-stock.grub)
 * etc/initramfs-tools/initramfs.conf               0644
 * etc/initramfs-tools/{hooks,scripts/init-bottom}/ (empty)
 * etc/overlayboot.conf                             0600 1000:1000  left by an earlier experiment
 * lib/modules/6.1.0-test/kernel/fs/overlayfs/overlay.ko.xz
 * usr/sbin/update-initramfs, usr/sbin/grub-mkconfig (sources default/grub.d/*.cfg)  0755
 * </pre>
 */
final class DebianTree {
    /** The GRUB defaults files {@code GrubFixturesTest} edits, in {@code grub/fixtures/} of the checkout. */
    static final Path GRUB_FIXTURES = Path.of("grub/fixtures");

    /** Debian 12's stock {@code /etc/default/grub}: the one copy, {@code grub/fixtures/debian-12-stock.grub}. */
    static final String GRUB = grubFixture("debian-12-stock.grub");

    private DebianTree() {}

    /** The text of one file in {@link #GRUB_FIXTURES}. */
    static String grubFixture(String name) {
        try {
            return Files.readString(GRUB_FIXTURES.resolve(name), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("tests run from the checkout's top directory", e);
        }
    }

    static Path create(Path root, boolean grubDropIns) throws IOException {
        file(root, "etc/default/grub", GRUB, "rw-r--r--");
        file(root, "etc/initramfs-tools/initramfs.conf", "MODULES=most\n", "rw-r--r--");
        Files.createDirectories(root.resolve("etc/initramfs-tools/hooks"));
        Files.createDirectories(root.resolve("etc/initramfs-tools/scripts/init-bottom"));
        Path conf = file(root, "etc/overlayboot.conf", "# an old experiment\nsize=10%\n", "rw-------");
        Files.setAttribute(conf, "unix:uid", 1000);
        Files.setAttribute(conf, "unix:gid", 1000);
        file(root, "lib/modules/6.1.0-test/kernel/fs/overlayfs/overlay.ko.xz", "not really xz\n", "rw-r--r--");
        file(root, "usr/sbin/update-initramfs", "#!/bin/sh\nexit 0\n", "rwxr-xr-x");
        file(root, "usr/sbin/grub-mkconfig", grubDropIns
                ? "#!/bin/sh\nfor x in ${sysconfdir}/default/grub.d/*.cfg ; do . \"$x\"; done\n"
                : "#!/bin/sh\n. /etc/default/grub\n", "rwxr-xr-x");
        return root;
    }

    /**
     * {@link #create} with the Debian package installed as dpkg would leave it: the files of
     * {@code render --layout package} (its {@code etc/overlayboot.conf} replacing the old experiment)
     * and dpkg's list of them, {@code var/lib/dpkg/info/overlayboot.list}.
     */
    static Path createPackaged(Path root, boolean grubDropIns) throws IOException {
        create(root, grubDropIns);
        StringBuilder list = new StringBuilder();
        for (io.overlayboot.render.RenderedFile f : new io.overlayboot.render.Renderer().render(
                new io.overlayboot.render.RenderRequest(java.util.Map.of(), List.of(), true), null, io.overlayboot.render.Layout.PACKAGE)) {
            Path p = root.resolve(f.path());
            Files.createDirectories(p.getParent());
            Files.write(p, f.content());
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(f.mode() == 0755 ? "rwxr-xr-x" : "rw-r--r--"));
            Files.setAttribute(p, "unix:uid", 0);
            Files.setAttribute(p, "unix:gid", 0);
            list.append('/').append(f.path()).append('\n');
        }
        file(root, "var/lib/dpkg/info/overlayboot.list", list.toString(), "rw-r--r--");
        return root;
    }

    /**
     * Lets {@code chroot root} run the tree's boot chain (the tests run as root): a static busybox as
     * {@code bin/sh}, and {@code proc/self} and {@code dev/null} standing for a mounted {@code /proc}
     * and {@code /dev}; then each of {@code tools} (name, then the script after {@code #!/bin/sh})
     * written to {@code usr/sbin/NAME}, in place of {@code update-initramfs} or {@code grub-mkconfig}.
     */
    static Path chrootable(Path root, String... tools) throws IOException {
        Path sh = root.resolve("bin/sh");
        Files.createDirectories(sh.getParent());
        Files.copy(Path.of("/bin/busybox"), sh);
        Files.createDirectories(root.resolve("proc/self"));
        Files.createDirectories(root.resolve("dev"));
        Files.writeString(root.resolve("dev/null"), "");
        for (int i = 0; i + 1 < tools.length; i += 2) {
            file(root, "usr/sbin/" + tools[i], "#!/bin/sh\n" + tools[i + 1], "rwxr-xr-x");
        }
        return root;
    }

    static Path file(Path root, String relative, String text, String perms) throws IOException {
        Path p = root.resolve(relative);
        Files.createDirectories(p.getParent());
        Files.writeString(p, text);
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(perms));
        return p;
    }

    /** Every path with its type, mode, owner and content hash: equal hashes mean equal trees. */
    static List<String> describe(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            return s.sorted().map(p -> {
                try {
                    String rel = root.relativize(p).toString();
                    Object mode = Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS);
                    Object uid = Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS);
                    Object gid = Files.getAttribute(p, "unix:gid", LinkOption.NOFOLLOW_LINKS);
                    String what = Files.isSymbolicLink(p) ? "-> " + Files.readSymbolicLink(p)
                            : Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) ? "dir"
                            : Digests.sha256Hex(Files.readAllBytes(p));
                    return rel + " " + Integer.toOctalString((Integer) mode) + " " + uid + ":" + gid + " " + what;
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }).toList();
        }
    }

    static String read(Path root, String relative) throws IOException {
        return Files.readString(root.resolve(relative), StandardCharsets.UTF_8);
    }
}

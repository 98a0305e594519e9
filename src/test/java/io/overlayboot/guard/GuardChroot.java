package io.overlayboot.guard;

import static io.overlayboot.render.ShellQuote.quote;

import io.overlayboot.vm.DebianChroot;
import io.overlayboot.vm.InitrdCache;
import java.io.File;
import java.nio.file.Path;
import java.util.List;

/**
 * Test support: copies of the cached Debian chroot ({@link DebianChroot}, an overlay in a private
 * mount namespace, so the cache is never changed) prepared as a stock Debian target with a fast
 * initrd, with overlayboot installed by this test's classes, and the overlayboot command callable
 * inside the copy (the JDK bound read-only and the classpath copied in at the host's paths).
 */
final class GuardChroot {
    private GuardChroot() {}

    /** The overlayboot CLI from this test's classpath, as a command line for the host. */
    static String hostCommand() {
        return quote(java()) + " --enable-native-access=ALL-UNNAMED -cp " + quote(System.getProperty("java.class.path"))
                + " io.overlayboot.cli.Main";
    }

    /**
     * Shell lines (run on the host with the copy at {@code $T}) that make {@code overlayboot} a
     * command inside the copy, as {@code /usr/local/bin/overlayboot}.
     */
    static String cliInside() {
        String home = System.getProperty("java.home");
        StringBuilder s = new StringBuilder();
        s.append("mkdir -p \"$T\"").append(quote(home)).append('\n');
        s.append("mount --bind ").append(quote(home)).append(" \"$T\"").append(quote(home)).append('\n');
        s.append("mount -o remount,bind,ro \"$T\"").append(quote(home)).append('\n');
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path p = Path.of(entry).toAbsolutePath();
            s.append("mkdir -p \"$T\"").append(quote(p.getParent().toString())).append('\n');
            s.append("cp -a ").append(quote(p.toString())).append(" \"$T\"").append(quote(p.toString())).append('\n');
        }
        String wrapper = "#!/bin/sh\nexec " + quote(java()) + " --enable-native-access=ALL-UNNAMED -cp "
                + quote(System.getProperty("java.class.path")) + " io.overlayboot.cli.Main \"$@\"\n";
        s.append("printf '%s' ").append(quote(wrapper)).append(" > \"$T/usr/local/bin/overlayboot\"\n");
        s.append("chmod 755 \"$T/usr/local/bin/overlayboot\"\n");
        return s.toString();
    }

    /** Shell lines that make the copy at {@code $T} a Debian target with overlayboot installed. */
    static String installed(String version) {
        return "chroot \"$T\" sh -ec " + quote(InitrdCache.PREPARE + "update-initramfs -c -k " + version + " >/dev/null 2>&1\n")
                + "\n" + hostCommand() + " install --root \"$T\" --yes --no-grub\n";
    }

    /** {@code chroot $T CMD...} with the clean environment and PATH a Debian root shell has. */
    static String inside(String command) {
        return "chroot \"$T\" /usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root"
                + " LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive " + command;
    }

    static List<String> run(DebianChroot chroot, Path work, String script) {
        return chroot.runOnHost(work, "T=$OVERLAYBOOT_TARGET\n" + script, line -> {});
    }

    private static String java() {
        return ProcessHandle.current().info().command().orElse(System.getProperty("java.home") + "/bin/java");
    }
}

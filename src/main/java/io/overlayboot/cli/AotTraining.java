package io.overlayboot.cli;

import io.overlayboot.initramfs.Compression;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The training runs behind {@code ./overlayboot}'s AOT caches: {@code java -XX:AOTCacheOutput=FILE
 * -cp overlayboot.jar io.overlayboot.cli.AotTraining [GROUP]}. The JVM keeps in the cache the
 * classes a run loads, linked, and loads all of them at every start that uses the cache. So a cache
 * trained on every command makes each of them start faster than none, but costs the shortest ones
 * ({@code --version}, {@code status}) more than it saves: a 25 MB cache of ~3000 classes against the
 * ~850 that {@code --version} needs. Hence one cache per group of commands, each trained on that
 * group alone:
 * <ul>
 *   <li>{@code version}: {@code --version};</li>
 *   <li>{@code status}: {@code status}, text and {@code --json}, of a made-up root with the files a
 *       running machine has ({@code /proc/meminfo}, {@code /proc/cmdline}), then of a protected
 *       machine with GRUB and two kernels ({@link #machine}), as a fleet polls it: the next-boot
 *       check's code is most of what a real machine's {@code status} runs (without it in the cache,
 *       159 ms of CPU instead of 75 on Debian 12 with two kernels); what the cache keeps of the
 *       initrds is written by a first run in a class loader of its own, so the code that reads
 *       initrds stays out of the cache. What {@code ./overlayboot} uses for {@code status --json},
 *       and the package for every {@code status};</li>
 *   <li>{@code status-text}: the same {@code status} without {@code --json}, for {@code ./overlayboot}'s
 *       plain {@code status}: the JSON library and its ~220 classes, which a plain {@code status}
 *       never uses, would cost it ~3 ms of CPU at every start (1022 classes in the cache instead
 *       of 1244);</li>
 *   <li>{@code settings}: {@code settings}, text, {@code --markdown} and {@code --json}: the plain
 *       line Main answers without picocli's model ({@link SettingsCommand#ofPlainLine}), so the cache
 *       holds no picocli model, annotation or help code; what {@code ./overlayboot} uses for
 *       {@code settings --json};</li>
 *   <li>{@code settings-text}: the same without {@code --json}, for a plain {@code settings}: without
 *       the JSON library the cache is 1.9 MB and ~150 classes smaller, ~5 ms less CPU at every start
 *       (42 against 48 ms in interleaved runs, where the hello-world floor took 33 ms);</li>
 *   <li>{@code inspect}: {@code inspect} and {@code inspect --long} of a small initrd (an uncompressed
 *       segment, then a zstd one) written here with no class of {@code render} or {@code pack}, which
 *       would otherwise be loaded with every {@code inspect};</li>
 *   <li>{@code all} (the default): the everyday commands ({@code --version}, {@code --help},
 *       {@code settings}, {@code status}, {@code render}, {@code pack}, {@code inspect},
 *       {@code extract}), for every other command.</li>
 * </ul>
 * The entry script picks the cache by the first argument. Everything a run writes stays in a temp
 * directory, removed at the end; what the commands print is dropped.
 */
final class AotTraining {
    /** The groups, each the name of its cache ({@code target/aot/GROUP.aot}). */
    static final List<String> GROUPS = List.of("version", "status", "status-text", "settings", "settings-text", "inspect", "all");

    private AotTraining() {}

    public static void main(String[] args) throws IOException {
        String group = args.length == 0 ? "all" : args[0];
        if (!GROUPS.contains(group)) {
            throw new IllegalArgumentException("no training group '" + group + "'; one of " + GROUPS);
        }
        Path work = workDirectory();
        try {
            switch (group) {
                case "version" -> run("--version");
                case "status" -> status(work, true);
                case "status-text" -> status(work, false);
                case "settings" -> settings(true);
                case "settings-text" -> settings(false);
                case "inspect" -> inspect(smallInitrd(work));
                default -> everything(work);
            }
        } finally {
            delete(work.toFile());
        }
    }

    /**
     * A new directory of this run's own, made and removed with nothing a command does not load
     * itself: every class a training run loads goes into the cache, and every start that uses the
     * cache loads them all. {@code Files.createTempDirectory} loaded ~50 classes of
     * {@code java.security} (its random name) and {@code Trees.delete} the stream library, into
     * the caches of {@code --version} and {@code status} too. Made with {@code createDirectory},
     * which fails on anything already at the name (a link included), so nothing else is written
     * through.
     */
    private static Path workDirectory() throws IOException {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        return Files.createDirectory(tmp.resolve("overlayboot-aot-" + ProcessHandle.current().pid() + "-" + System.nanoTime()));
    }

    /** Removes {@code dir} and what is in it, links not followed. */
    private static void delete(java.io.File dir) throws IOException {
        java.io.File[] entries = Files.isSymbolicLink(dir.toPath()) ? null : dir.listFiles();
        if (entries != null) {
            for (java.io.File entry : entries) {
                delete(entry);
            }
        }
        Files.deleteIfExists(dir.toPath());
    }

    private static void everything(Path work) {
        String tree = work.resolve("tree").toString();
        String initrd = work.resolve("initrd.img").toString();
        run("--version");
        run("--help");
        settings(true);
        status(work, true);
        run("render", "--out", tree, "--size", "20%");
        run("pack", "--tree", tree, "--out", initrd);
        inspect(Path.of(initrd));
        run("extract", initrd, work.resolve("extracted").toString());
    }

    private static void settings(boolean json) {
        run("settings");
        run("settings", "--markdown");
        if (json) {
            run("settings", "--json");
        }
    }

    private static void status(Path work, boolean json) {
        Path mounts = work.resolve("mounts");
        Path protectedMounts = work.resolve("mounts-protected");
        try {
            Files.writeString(mounts, "/dev/vda1 / ext4 ro,relatime 0 0\nproc /proc proc rw,nosuid,nodev,noexec,relatime 0 0\n");
            // the files status reads on a running machine, so their code is in the cache too
            Files.createDirectories(work.resolve("proc"));
            Files.writeString(work.resolve("proc/meminfo"), "MemTotal:        2015640 kB\nMemFree:          812344 kB\n");
            Files.writeString(work.resolve("proc/cmdline"), "BOOT_IMAGE=/boot/vmlinuz root=/dev/vda1 ro quiet\n");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        // a system without GRUB or kernels (a container, a build machine): not protected, cannot tell
        run("status", "--root", work.toString(), "--mounts", mounts.toString());
        if (json) {
            run("status", "--json", "--root", work.toString(), "--mounts", mounts.toString());
        }
        try {
            machine(work);
            Files.writeString(protectedMounts, "overlayboot / overlay rw,relatime,lowerdir=/ro,upperdir=/rw/upper,workdir=/rw/work 0 0\n"
                    + "/dev/vda1 /ro ext4 ro,relatime 0 0\ntmpfs-root /rw tmpfs rw,relatime,size=1007820k 0 0\n");
            Files.createDirectories(work.resolve("ro"));
            Files.createDirectories(work.resolve("rw"));
            Files.createDirectories(work.resolve("run/overlayboot"));
            Files.writeString(work.resolve("run/overlayboot/state"), "status=protected\nmessage=protected: writes go to tmpfs (RAM)\n"
                    + "active=1\nmode=tmpfs\nsize=50%\nupper=tmpfs (RAM)\nunion=overlay\n");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        // a protected machine with GRUB and two kernels: the first status of the boot reads the
        // initrds and keeps what it found under run/overlayboot; every later one finds it there
        firstOfBoot("status", "--root", work.toString(), "--mounts", protectedMounts.toString());
        run("status", "--root", work.toString(), "--mounts", protectedMounts.toString());
        if (json) {
            run("status", "--json", "--root", work.toString(), "--mounts", protectedMounts.toString());
        }
    }

    /**
     * What {@code status} reads on a machine with GRUB and two kernels: {@code grub.cfg}, the kernels,
     * their module lists, their initrds with overlayboot's boot files in them (uncompressed cpio: the
     * decompressors are needed only when an initrd was not read yet in this boot), the config and
     * {@code /run}. Without them the cache would lack the check's code, which every real machine runs.
     */
    static void machine(Path work) throws IOException {
        List<String> versions = List.of("6.1.0-10-amd64", "6.1.0-9-amd64");
        for (String v : versions) {
            Files.createDirectories(work.resolve("lib/modules/" + v + "/kernel/fs/overlayfs"));
            Files.writeString(work.resolve("lib/modules/" + v + "/kernel/fs/overlayfs/overlay.ko"), "");
            Files.writeString(work.resolve("lib/modules/" + v + "/modules.dep"), "kernel/fs/overlayfs/overlay.ko:\n");
            Files.writeString(work.resolve("lib/modules/" + v + "/modules.builtin"), "kernel/fs/ext4/ext4.ko\n");
            ByteArrayOutputStream cpio = new ByteArrayOutputStream();
            newc(cpio, "conf/initramfs.conf", 0100644, "MODULES=most\n");
            newc(cpio, "etc/overlayboot.conf", 0100644, "#mode=\n");
            newc(cpio, "lib", 0120777, "usr/lib");
            newc(cpio, "scripts/init-bottom/ORDER", 0100644, "/scripts/init-bottom/overlayboot \"$@\"\n");
            newc(cpio, "scripts/init-bottom/overlayboot", 0100755, "#!/bin/sh\n");
            newc(cpio, "usr/lib/modules/" + v + "/kernel/fs/overlayfs/overlay.ko", 0100644, "");
            newc(cpio, "usr/sbin/blkid", 0100755, "");
            newc(cpio, "usr/share/overlayboot/overlayboot-functions", 0100644, "# the boot library\n");
            trailer(cpio);
            Files.createDirectories(work.resolve("boot/grub"));
            Files.write(work.resolve("boot/initrd.img-" + v), cpio.toByteArray());
            Files.writeString(work.resolve("boot/vmlinuz-" + v), "");
        }
        // as grub-mkconfig lays it out: the newest kernel first, then a submenu with every kernel
        // and its recovery entry, and overlayboot's own entries (42_overlayboot)
        StringBuilder grub = new StringBuilder("if [ -s $prefix/grubenv ]; then\n  load_env\nfi\nif [ \"${next_entry}\" ] ; then\n"
                + "   set default=\"${next_entry}\"\n   set next_entry=\n   save_env next_entry\nelse\n   set default=\"0\"\nfi\n");
        grub.append(grubEntry("", "Debian GNU/Linux", "gnulinux-simple", versions.getFirst(), "ro quiet aufs=tmpfs"));
        grub.append("submenu 'Advanced options for Debian GNU/Linux' $menuentry_id_option 'gnulinux-advanced' {\n");
        for (String v : versions) {
            grub.append(grubEntry("\t", "Debian GNU/Linux, with Linux " + v, "gnulinux-" + v + "-advanced", v, "ro quiet aufs=tmpfs"));
            grub.append(grubEntry("\t", "Debian GNU/Linux, with Linux " + v + " (recovery mode)", "gnulinux-" + v + "-recovery", v, "ro single"));
        }
        grub.append("}\n");
        grub.append(grubEntry("", "Debian GNU/Linux, Linux " + versions.getFirst() + ": maintenance (writable, NOT protected)",
                "overlayboot-writable", versions.getFirst(), "ro quiet overlayboot=disabled"));
        Files.writeString(work.resolve("boot/grub/grub.cfg"), grub);
        Files.createDirectories(work.resolve("etc"));
        Files.writeString(work.resolve("etc/overlayboot.conf"), "#mode=\n");
        Files.createDirectories(work.resolve("run"));
    }

    private static void inspect(Path initrd) {
        run("inspect", initrd.toString());
        run("inspect", "--long", initrd.toString());
    }

    /**
     * An initrd as Debian's are laid out: an uncompressed cpio (the early microcode part), then a
     * zstd-compressed one with a few directories, files and a link.
     */
    static Path smallInitrd(Path work) throws IOException {
        ByteArrayOutputStream early = new ByteArrayOutputStream();
        newc(early, "kernel", 040755, "");
        newc(early, "kernel/x86", 040755, "");
        newc(early, "kernel/x86/microcode", 040755, "");
        newc(early, "kernel/x86/microcode/GenuineIntel.bin", 0100644, "microcode");
        trailer(early);
        ByteArrayOutputStream main = new ByteArrayOutputStream();
        newc(main, ".", 040755, "");
        newc(main, "bin", 040755, "");
        newc(main, "bin/sh", 0100755, "#!/bin/sh\n");
        newc(main, "init", 0100755, "#!/bin/sh\nexec /sbin/init\n");
        newc(main, "lib", 0120777, "usr/lib");
        newc(main, "conf/initramfs.conf", 0100644, "MODULES=most\n");
        trailer(main);
        Path initrd = work.resolve("small.img");
        try (OutputStream out = Files.newOutputStream(initrd)) {
            early.writeTo(out);
            ByteArrayOutputStream compressed = new ByteArrayOutputStream();
            try (OutputStream z = Compression.ZSTD.encoder(compressed, 3)) {
                main.writeTo(z);
            }
            compressed.writeTo(out);
        }
        return initrd;
    }

    private static String grubEntry(String indent, String title, String id, String version, String arguments) {
        return indent + "menuentry '" + title + "' --class debian --class gnu-linux $menuentry_id_option '" + id + "' {\n"
                + indent + "\tload_video\n" + indent + "\tinsmod gzio\n"
                + indent + "\tlinux\t/boot/vmlinuz-" + version + " root=/dev/vda1 " + arguments + "\n"
                + indent + "\tinitrd\t/boot/initrd.img-" + version + "\n" + indent + "}\n";
    }

    private static int ino = 1;

    /** One newc (070701) entry: header, name, data, each padded to 4 bytes. */
    private static void newc(ByteArrayOutputStream out, String name, int mode, String data) {
        byte[] n = (name + "\0").getBytes(StandardCharsets.US_ASCII);
        byte[] d = data.getBytes(StandardCharsets.US_ASCII);
        StringBuilder h = new StringBuilder("070701");
        for (long field : new long[] {ino++, mode, 0, 0, 1, 1_700_000_000L, d.length, 0, 0, 0, 0, n.length, 0}) {
            // eight upper-case hex digits, without String.format: its Formatter and locale data would
            // be in every cache trained here
            String hex = Long.toHexString(field).toUpperCase(java.util.Locale.ROOT);
            h.append("0".repeat(8 - hex.length())).append(hex);
        }
        out.writeBytes(h.toString().getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(n);
        pad(out);
        out.writeBytes(d);
        pad(out);
    }

    private static void trailer(ByteArrayOutputStream out) {
        newc(out, "TRAILER!!!", 0, "");
    }

    private static void pad(ByteArrayOutputStream out) {
        while (out.size() % 4 != 0) {
            out.write(0);
        }
    }

    /**
     * Runs {@code args} with overlayboot's classes loaded by a class loader of its own: the JVM keeps
     * in the cache only the classes of its built-in loaders, so what this run alone needs (reading
     * initrds: the cpio reader, the decompressors' classes it links, ~60) does not weigh on every
     * start of every {@code status}, which finds what this run kept. Only the JDK's classes it
     * loads (the class loader's, reflection's) go into the cache.
     */
    private static void firstOfBoot(String... args) {
        String[] entries = System.getProperty("java.class.path").split(java.io.File.pathSeparator);
        java.net.URL[] urls = new java.net.URL[entries.length];
        try {
            for (int i = 0; i < entries.length; i++) {
                urls[i] = Path.of(entries[i]).toUri().toURL();
            }
            try (java.net.URLClassLoader own = new java.net.URLClassLoader(urls, ClassLoader.getPlatformClassLoader())) {
                Class<?> main = Class.forName(Main.class.getName(), true, own);
                Object discard = new PrintWriter(OutputStream.nullOutputStream());
                main.getMethod("run", PrintWriter.class, PrintWriter.class, String[].class).invoke(null, discard, discard, args);
            }
        } catch (IOException | ReflectiveOperationException e) {
            throw new IllegalStateException("the first status of the training machine failed: " + e, e);
        }
    }

    private static void run(String... args) {
        // the writers main makes, so their classes (UTF-8 encoder, ...) are in the cache
        PrintWriter discard = Main.writer(OutputStream.nullOutputStream());
        Main.run(discard, discard, args);
    }
}

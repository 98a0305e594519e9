package io.overlayboot.sandbox;

import io.overlayboot.files.Digests;
import io.overlayboot.core.ExitCode;
import io.overlayboot.core.OverlaybootException;
import io.overlayboot.sys.Exec;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs a rendered init-bottom script for real: in a private mount and PID namespace
 * ({@code unshare -m -p -f}), in a chroot laid out like initramfs-tools' initramfs (busybox,
 * initramfs-tools' own {@code scripts/functions}, a fake {@code /proc/cmdline}), over a read-only
 * ext4 root image. Needs root, busybox-static, initramfs-tools-core and e2fsprogs. The driver is
 * {@code initramfs/sandbox.sh}.
 */
public final class Sandbox {
    /** The shell the script runs under. */
    public enum Shell { BUSYBOX, DASH, KLIBC }

    /** Whether initramfs-tools' init-bottom/udev (which moves /dev into the root) ran before us. */
    public enum Order { BEFORE_UDEV, AFTER_UDEV }

    /**
     * One sandbox run. Made by {@link Sandbox#spec} and its {@link Builder}; a new knob is one
     * component here and one setter there.
     *
     * @param script the boot script's text
     * @param library the boot library's text ({@code render}'s {@link io.overlayboot.render.Renderer#LIBRARY}),
     *     which the script sources
     * @param cmdline the kernel command line, one byte per char (U+0000 to U+00FF)
     * @param config the text of /etc/overlayboot.conf in the initramfs, or null for none
     * @param rootTree files of the root image, path (relative) to content; directories end in '/'
     * @param upperLabel when not null, a second ext4 image with this label is attached as a loop
     *     device before the boot
     * @param probe a script run in the chroot afterwards, as the booted system would see it (may be null)
     * @param shell the shell
     * @param order the order against initramfs-tools' udev script
     * @param runs how many times to run the script (2 proves it never acts twice)
     * @param procFilesystems when not null, what /proc/filesystems claims (to make the kernel
     *     refuse a union the script believes is available)
     */
    public record Spec(String script, String library, String cmdline, String config, Map<String, String> rootTree, String upperLabel,
            String probe, Shell shell, Order order, int runs, String procFilesystems) {
        public Spec {
            rootTree = Map.copyOf(rootTree);
            if (runs < 1) {
                throw new IllegalArgumentException("runs must be at least 1: " + runs);
            }
        }

        /** A builder holding this spec's values, to change some of them. */
        public Builder toBuilder() {
            Builder b = new Builder(script, library, cmdline);
            b.config = config;
            b.rootTree = rootTree;
            b.upperLabel = upperLabel;
            b.probe = probe;
            b.shell = shell;
            b.order = order;
            b.runs = runs;
            b.procFilesystems = procFilesystems;
            return b;
        }
    }

    /**
     * Builds a {@link Spec}: the script and command line are given, every other value starts at its
     * default (no config, {@link #defaultRoot()}, no upper image, no probe, busybox, before udev,
     * one run, the real /proc/filesystems).
     */
    public static final class Builder {
        private final String script;
        private final String library;
        private String cmdline;
        private String config;
        private Map<String, String> rootTree = defaultRoot();
        private String upperLabel;
        private String probe;
        private Shell shell = Shell.BUSYBOX;
        private Order order = Order.BEFORE_UDEV;
        private int runs = 1;
        private String procFilesystems;

        private Builder(String script, String library, String cmdline) {
            this.script = script;
            this.library = library;
            this.cmdline = cmdline;
        }

        public Builder cmdline(String value) {
            this.cmdline = value;
            return this;
        }

        public Builder config(String value) {
            this.config = value;
            return this;
        }

        public Builder rootTree(Map<String, String> value) {
            this.rootTree = value;
            return this;
        }

        public Builder upperLabel(String value) {
            this.upperLabel = value;
            return this;
        }

        public Builder probe(String value) {
            this.probe = value;
            return this;
        }

        public Builder shell(Shell value) {
            this.shell = value;
            return this;
        }

        public Builder order(Order value) {
            this.order = value;
            return this;
        }

        public Builder runs(int value) {
            this.runs = value;
            return this;
        }

        public Builder procFilesystems(String value) {
            this.procFilesystems = value;
            return this;
        }

        public Spec build() {
            return new Spec(script, library, cmdline, config, rootTree, upperLabel, probe, shell, order, runs, procFilesystems);
        }
    }

    /** One line of /proc/mounts as the chroot saw it. */
    public record Mount(String source, String target, String type, String options) {}

    /**
     * What happened.
     *
     * @param work the directory with {@code root.img} (and {@code upper.img}) for inspection
     * @param boots each run's console output and exit code
     * @param probe the probe's output
     * @param mounts the chroot's mount table at the end
     * @param state {@code /run/overlayboot/state} as key/value lines (repeated keys: last wins,
     *     except {@code warning}, whose values are joined by newlines)
     * @param kmsg what reached the kernel log
     * @param rootImageSha256 the root image's SHA-256 before the boot, to compare with after
     */
    public record Result(Path work, List<Boot> boots, String probe, List<Mount> mounts, Map<String, String> state,
            String kmsg, String rootImageSha256) {
        public Boot boot() {
            return boots.getFirst();
        }

        /** The mount at {@code target}, the topmost when several. */
        public java.util.Optional<Mount> mountAt(String target) {
            return mounts.reversed().stream().filter(m -> m.target().equals(target)).findFirst();
        }
    }

    /** One run of the script: its console output and exit code. */
    public record Boot(String output, int exitCode) {}

    /** The UUID of the upper image (when {@code upperLabel} asks for one), for UUID= tests. */
    public static final String UPPER_UUID = "7d6f3c2e-4b1a-4f0e-9c8d-2a1b0c9d8e7f";

    private Sandbox() {}

    /** A spec of the given script and library over a small Debian-like root, busybox, before udev, one run. */
    public static Builder spec(String script, String library, String cmdline) {
        return new Builder(script, library, cmdline);
    }

    /** A small root: the directories a root has, an fstab with root, swap, /home and a comment. */
    public static Map<String, String> defaultRoot() {
        Map<String, String> tree = new LinkedHashMap<>();
        for (String dir : List.of("dev/", "proc/", "sys/", "run/", "tmp/", "home/", "ro/", "rw/")) {
            tree.put(dir, "");
        }
        tree.put("etc/fstab", """
                # /etc/fstab: static file system information.
                UUID=0b3e2a1c-8d7f-4b6e-9a4c-1f2e3d4c5b6a /               ext4    errors=remount-ro 0       1
                UUID=11111111-2222-3333-4444-555555555555 /home   ext4    defaults,nosuid   0       2
                /swapfile                                 none            swap    sw              0       0
                tmpfs /var/tmp tmpfs   defaults 0 0
                """);
        tree.put("etc/hostname", "sandbox\n");
        tree.put("etc/motd", "the lower layer\n");
        return tree;
    }

    public static Result run(Spec spec, Path work) {
        try {
            Files.createDirectories(work);
            Files.writeString(work.resolve("script"), spec.script());
            Files.writeString(work.resolve("functions"), spec.library());
            // The kernel command line is bytes: each char of the spec's (U+0000 to U+00FF) is one byte.
            Files.writeString(work.resolve("cmdline"), spec.cmdline() + "\n", StandardCharsets.ISO_8859_1);
            if (spec.config() != null) {
                Files.writeString(work.resolve("conf"), spec.config());
            }
            if (spec.probe() != null) {
                Files.writeString(work.resolve("probe"), spec.probe());
            }
            if (spec.procFilesystems() != null) {
                Files.writeString(work.resolve("filesystems"), spec.procFilesystems());
            }
            Files.writeString(work.resolve("settings"), "SHELL_KIND=" + spec.shell().name().toLowerCase(java.util.Locale.ROOT)
                    + "\nORDER=" + (spec.order() == Order.AFTER_UDEV ? "after-udev" : "before-udev")
                    + "\nRUNS=" + spec.runs() + "\n");
            Path tree = work.resolve("tree");
            for (Map.Entry<String, String> e : spec.rootTree().entrySet()) {
                Path p = tree.resolve(e.getKey());
                if (e.getKey().endsWith("/")) {
                    Files.createDirectories(p);
                } else {
                    Files.createDirectories(p.getParent());
                    Files.writeString(p, e.getValue());
                }
            }
            mkfs(List.of("mke2fs", "-q", "-F", "-t", "ext4", "-L", "ROOTFS", "-d", tree.toString(),
                    work.resolve("root.img").toString(), "16M"));
            if (spec.upperLabel() != null) {
                mkfs(List.of("mke2fs", "-q", "-F", "-t", "ext4", "-L", spec.upperLabel(), "-U", UPPER_UUID,
                        work.resolve("upper.img").toString(), "16M"));
            }
            String before = Digests.sha256Hex(work.resolve("root.img"));
            Path driver = work.resolve("sandbox.sh");
            try (InputStream in = Sandbox.class.getResourceAsStream("/initramfs/sandbox.sh")) {
                Files.write(driver, in.readAllBytes());
            }
            Exec.Result r = Exec.run(List.of("unshare", "-m", "-p", "-f", "--propagation", "private", "bash",
                    driver.toString(), work.toString()), Duration.ofMinutes(2));
            if (r.exitCode() != 0 || !r.stdout().contains("=== end")) {
                throw new OverlaybootException(ExitCode.ENVIRONMENT, "The initramfs sandbox failed (exit "
                        + r.exitCode() + "): " + r.stderr().strip() + "\n" + r.stdout(),
                        "it needs root, unshare, busybox-static, initramfs-tools-core and e2fsprogs");
            }
            return parse(work, r.stdout(), before);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void mkfs(List<String> command) {
        Exec.Result r = Exec.run(command, Duration.ofMinutes(1));
        if (!r.ok()) {
            throw new OverlaybootException(ExitCode.ENVIRONMENT, "mke2fs failed: " + r.stderr().strip(),
                    "install e2fsprogs");
        }
    }

    /**
     * Reads the driver's output: each boot's and the probe's text stands before its
     * {@code === boot rc=N} / {@code === probe rc=N} line; mounts, state and kmsg stand after
     * their {@code === NAME} line.
     */
    static Result parse(Path work, String out, String rootImageSha256) {
        List<Boot> boots = new ArrayList<>();
        Map<String, String> sections = new LinkedHashMap<>();
        StringBuilder text = new StringBuilder();
        String open = null;
        for (String line : out.split("\n", -1)) {
            if (!line.startsWith("=== ")) {
                text.append(line).append('\n');
                continue;
            }
            if (open != null) {
                sections.put(open, text.toString());
            } else if (line.startsWith("=== boot rc=")) {
                boots.add(new Boot(text.toString(), Integer.parseInt(line.substring(12).strip())));
            } else if (line.startsWith("=== probe rc=")) {
                sections.put("probe", text.toString());
            }
            text.setLength(0);
            String name = line.substring(4).strip();
            open = List.of("mounts", "state", "kmsg").contains(name) ? name : null;
        }
        List<Mount> mounts = new ArrayList<>();
        for (String m : sections.getOrDefault("mounts", "").split("\n")) {
            String[] f = m.split(" ");
            if (f.length >= 4) {
                mounts.add(new Mount(f[0], f[1], f[2], f[3]));
            }
        }
        Map<String, String> state = new LinkedHashMap<>();
        for (String line : sections.getOrDefault("state", "").split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                String key = line.substring(0, eq);
                state.merge(key, line.substring(eq + 1), (a, b) -> key.equals("warning") ? a + "\n" + b : b);
            }
        }
        return new Result(work, List.copyOf(boots), sections.getOrDefault("probe", ""), List.copyOf(mounts), state,
                sections.getOrDefault("kmsg", ""), rootImageSha256);
    }
}

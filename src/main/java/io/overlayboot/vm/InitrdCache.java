package io.overlayboot.vm;

import io.overlayboot.files.Trees;
import io.overlayboot.files.Digests;
import static io.overlayboot.render.ShellQuote.quote;

import io.overlayboot.core.ExitCode;
import io.overlayboot.core.OverlaybootException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.util.List;
import java.util.function.Consumer;

/**
 * Kernels and initrds built by Debian's own tools in an overlay copy of the {@link DebianChroot},
 * cached under {@code cache/initrd/<hash>} by the hash of everything that went in (the laid-in
 * files, the command, the chroot, the scripts), so a rerun with the same inputs boots at once.
 */
public final class InitrdCache {
    /**
     * Shell lines that switch the copy to a small {@code MODULES=list} initrd (virtio_pci,
     * virtio_blk, ext4): built in seconds, and overlay.ko is in it only if a hook adds it.
     */
    public static final String FAST_MODULES =
            "cp /usr/share/overlayboot-e2e/modules-list.conf /etc/initramfs-tools/conf.d/zz-overlayboot-e2e.conf\n"
                    + "cat /usr/share/overlayboot-e2e/modules >> /etc/initramfs-tools/modules\n";

    /**
     * Shell lines that make a copy of the chroot a stock Debian target for overlayboot: overlayroot
     * (installed for the peer benchmark) is purged, because its hook puts overlay.ko into every
     * initrd and would hide a hook of ours that forgets it; then {@link #FAST_MODULES}.
     */
    public static final String PREPARE = "dpkg --purge overlayroot >/dev/null\n" + FAST_MODULES;

    /**
     * The dracut counterpart of {@link #FAST_MODULES}: only the drivers a QEMU guest needs
     * ({@code drivers=} is exclusive; modules that ask for more, like overlayboot's overlay, still
     * get theirs), and no host-only probing of the build machine.
     */
    public static final String DRACUT_PREPARE = "printf '%s\\n' '# overlayboot e2e: a small, fast initrd for QEMU guests'"
            + " 'hostonly=\"no\"' 'drivers=\"virtio_pci virtio_blk ext4\"' > /etc/dracut.conf.d/zz-overlayboot-e2e.conf\n";

    /** Lines that make the dracut build the flavor with dracut's own shell {@code /init} instead of systemd. */
    public static final String DRACUT_SHELL_INIT = "printf '%s\\n' 'omit_dracutmodules+=\" systemd systemd-initrd dracut-systemd \"'"
            + " >> /etc/dracut.conf.d/zz-overlayboot-e2e.conf\n";

    /** A kernel and the initrd built for it. */
    public record BootFiles(String kernelVersion, Path kernel, Path initrd, String key) {}

    private final DebianChroot chroot;

    public InitrdCache(DebianChroot chroot) {
        this.chroot = chroot;
    }

    /**
     * The chroot's kernel with an initrd from Debian's {@code update-initramfs -c} on the laid-in
     * files, after {@link #PREPARE}.
     */
    public BootFiles standard(TargetLayout layout, Consumer<String> progress) {
        String version = chroot.kernelVersion();
        return build(layout, firstInitrd("", version, false), version, progress);
    }

    /**
     * Shell lines that prepare a copy of the chroot and build its first initrd, as its generator
     * does. With dracut, {@code forInstall} skips that build: install runs dracut for every kernel
     * anyway (a dracut run takes minutes under TCG-loaded CI, an update-initramfs -u needs the file).
     */
    private String firstInitrd(String before, String version, boolean forInstall) {
        return switch (chroot.distro().generator()) {
            case INITRAMFS_TOOLS -> PREPARE + before + "update-initramfs -c -k " + version + "\n";
            case DRACUT -> DRACUT_PREPARE + before
                    + (forInstall ? "" : "dracut --force /boot/initrd.img-" + version + " " + version + "\n");
        };
    }

    /**
     * The chroot's kernel with the initrd that {@code overlayboot install --root} leaves, run from
     * {@code jar} the way a user runs it: the copy first gets a stock initrd ({@link #PREPARE},
     * {@code update-initramfs -c}, as a Debian machine has one), then install lays its files in and
     * refreshes it ({@code update-initramfs -u}). {@code --no-grub}: grub-mkconfig cannot probe a
     * root that is itself an overlay copy, and the tests give the kernel parameters directly.
     */
    public BootFiles installed(Path jar, List<String> installOptions, Consumer<String> progress) {
        return installed(InstallSpec.of(jar, installOptions), progress);
    }

    /** As {@link #installed(Path, List, Consumer)}, with the extra steps of {@code spec}. */
    public BootFiles installed(InstallSpec spec, Consumer<String> progress) {
        String first = chroot.kernelVersion();
        String version = spec.kernelVersion().isEmpty() ? first : spec.kernelVersion();
        String java = ProcessHandle.current().info().command().orElse("java");
        StringBuilder command = new StringBuilder("chroot \"$OVERLAYBOOT_TARGET\" sh -ec "
                + quote(firstInitrd(spec.beforeInChroot(), first, true)) + "\n");
        command.append(quote(java)).append(" -jar ").append(quote(spec.jar().toAbsolutePath().toString()))
                .append(" install --root \"$OVERLAYBOOT_TARGET\" --yes --no-grub");
        spec.options().forEach(o -> command.append(' ').append(quote(o)));
        command.append('\n').append(spec.afterOnHost());
        if (!spec.afterInChroot().isEmpty()) {
            command.append("chroot \"$OVERLAYBOOT_TARGET\" sh -ec ").append(quote(spec.afterInChroot())).append('\n');
        }
        try {
            // The bytes of the jar and of every file the steps read are part of the key.
            StringBuilder key = new StringBuilder(Digests.sha256Hex(spec.jar()));
            for (Path input : spec.inputs()) {
                key.append(' ').append(Digests.sha256Hex(input));
            }
            return build(TargetLayout.NONE, command.toString(), key.toString(), true, version, progress);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Lays files in, runs {@code command} in a copy of the chroot, and returns
     * {@code /boot/vmlinuz-<version>} and {@code /boot/initrd.img-<version>} as they are afterwards.
     */
    public BootFiles build(TargetLayout layout, String command, String version, Consumer<String> progress) {
        return build(layout, command, "", false, version, progress);
    }

    private BootFiles build(TargetLayout layout, String command, String extraKey, boolean onHost, String version,
            Consumer<String> progress) {
        try {
            Path initrds = Files.createDirectories(chroot.cache().resolve("initrd"));
            Path work = Files.createTempDirectory(initrds, "build-");
            try {
                Path upper = Files.createDirectories(work.resolve("upper"));
                layout.layInto(upper);
                MessageDigest sha = Digests.sha256();
                for (String part : new String[] {chroot.stamp(), chroot.scripts().getFileName().toString(), version, command, extraKey}) {
                    sha.update(part.getBytes(StandardCharsets.UTF_8));
                    sha.update((byte) 0);
                }
                Hashing.addTree(sha, upper);
                String key = Digests.hex(sha).substring(0, 20);
                Path done = initrds.resolve(key);
                if (!Files.exists(done.resolve("initrd.img"))) {
                    progress.accept("building the initrd for kernel " + version + " with Debian's update-initramfs");
                    if (onHost) {
                        chroot.runOnHost(work, command, line -> {});
                    } else {
                        chroot.run(work, command, line -> {});
                    }
                    Path initrd = upper.resolve("boot/initrd.img-" + version);
                    Path kernel = Files.exists(upper.resolve("boot/vmlinuz-" + version))
                            ? upper.resolve("boot/vmlinuz-" + version)
                            : chroot.root().resolve("boot/vmlinuz-" + version);
                    if (!Files.exists(initrd)) {
                        throw new OverlaybootException(ExitCode.EXTERNAL_FAILURE,
                                "no initrd at /boot/initrd.img-" + version + " after '" + command.strip().replace('\n', ';')
                                        + "' in the chroot copy", null);
                    }
                    Path tmp = Files.createDirectories(work.resolve("result"));
                    Files.copy(kernel, tmp.resolve("vmlinuz"));
                    Files.copy(initrd, tmp.resolve("initrd.img"));
                    try {
                        Files.move(tmp, done, StandardCopyOption.ATOMIC_MOVE);
                    } catch (IOException raced) {
                        // another run built the same key meanwhile: same inputs, same files
                    }
                }
                return new BootFiles(version, done.resolve("vmlinuz"), done.resolve("initrd.img"), key);
            } finally {
                Trees.delete(work);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

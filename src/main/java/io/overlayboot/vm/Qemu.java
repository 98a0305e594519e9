package io.overlayboot.vm;

import io.overlayboot.sys.Exec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Boots a {@link VmSpec} with {@code qemu-system-x86_64} under TCG ({@code -cpu max}: QEMU's default
 * qemu64 model is older than any machine overlayboot targets, and the JVM helper aborts on it): no
 * graphics, the serial console
 * on stdout, {@code -no-reboot} so a panic or reboot ends QEMU, and {@code timeout} around it so a
 * hung guest can never hang the caller.
 */
public final class Qemu {
    private Qemu() {}

    public static BootResult boot(VmSpec spec) {
        return boot(spec, line -> {});
    }

    /** Boots and waits for the guest to end; every console line also goes to {@code eachLine}. */
    public static BootResult boot(VmSpec spec, Consumer<String> eachLine) {
        List<String> boot = List.of("-kernel", spec.boot().kernel().toString(), "-initrd", spec.boot().initrd().toString(),
                "-append", spec.commandLine());
        return run(boot, spec.disks(), spec.memoryMb(), spec.limit(), eachLine);
    }

    /**
     * Boots from the first of {@code disks} as a PC does: SeaBIOS runs the boot loader in its master
     * boot record (GRUB, which then picks the kernel, its initrd and command line from the disk's own
     * {@code grub.cfg}); no {@code -kernel}. The serial console carries GRUB's menu as well.
     */
    public static BootResult bootFromDisk(List<Path> disks, int memoryMb, Duration limit, Consumer<String> eachLine) {
        if (disks.isEmpty()) {
            throw new IllegalArgumentException("a guest needs a boot disk");
        }
        return run(List.of(), disks, memoryMb, limit, eachLine);
    }

    private static BootResult run(List<String> boot, List<Path> disks, int memoryMb, Duration limit, Consumer<String> eachLine) {
        long seconds = limit.toSeconds();
        List<String> cmd = new ArrayList<>(List.of("timeout", "--kill-after=5", String.valueOf(seconds),
                "qemu-system-x86_64", "-machine", "accel=tcg", "-cpu", "max", "-smp", "1", "-m", String.valueOf(memoryMb),
                "-display", "none", "-no-reboot", "-nodefaults", "-serial", "stdio"));
        cmd.addAll(boot);
        for (Path disk : disks) {
            cmd.addAll(List.of("-drive", "file=" + disk + ",format=raw,if=virtio"));
        }
        long start = System.nanoTime();
        // Java's own limit is a backstop a little past timeout's.
        Exec.Result r = Exec.stream(cmd, limit.plusSeconds(15), eachLine);
        boolean timedOut = r.timedOut() || r.exitCode() == 124 || r.exitCode() == 137;
        return new BootResult(r.lines(), r.exitCode(), timedOut, Duration.ofNanos(System.nanoTime() - start));
    }
}

package io.overlayboot.vm;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

/**
 * One boot of a test guest: kernel, initrd, the kernel parameters beyond the fixed ones
 * ({@code console=ttyS0 panic=-1 root=/dev/vda init=/overlayboot-test-init}), the disks in order
 * (vda is the root), the memory and the hard time limit.
 */
public record VmSpec(InitrdCache.BootFiles boot, List<String> parameters, List<Path> disks, int memoryMb, Duration limit) {
    public static final int DEFAULT_MEMORY_MB = 512;
    public static final Duration DEFAULT_LIMIT = Duration.ofSeconds(150);

    public VmSpec {
        parameters = List.copyOf(parameters);
        disks = List.copyOf(disks);
        if (disks.isEmpty()) {
            throw new IllegalArgumentException("a guest needs a root disk");
        }
    }

    public static VmSpec of(InitrdCache.BootFiles boot, List<Path> disks, String... parameters) {
        return new VmSpec(boot, List.of(parameters), disks, DEFAULT_MEMORY_MB, DEFAULT_LIMIT);
    }

    /** The whole kernel command line. */
    public String commandLine() {
        return String.join(" ", Stream.concat(
                Stream.of("console=ttyS0", "panic=-1", "root=/dev/vda", "init=" + GuestDisk.TEST_INIT),
                parameters.stream()).toList());
    }
}

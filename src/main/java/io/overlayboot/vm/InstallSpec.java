package io.overlayboot.vm;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * How {@link InitrdCache#installed(InstallSpec, Consumer)} puts overlayboot into
 * a copy of the chroot: {@code java -jar JAR install --root ... OPTIONS}, then optional shell lines
 * on the host (with the copy at {@code $OVERLAYBOOT_TARGET}) and in the copy, and which kernel's
 * initrd to take. Files the extra steps read belong in {@code inputs}: their bytes join the cache key.
 */
public record InstallSpec(Path jar, List<String> options, String afterOnHost, String afterInChroot,
        String kernelVersion, List<Path> inputs) {
    public InstallSpec {
        options = List.copyOf(options);
        inputs = List.copyOf(inputs);
    }

    /** Install with these options; the chroot's own kernel; nothing else. */
    public static InstallSpec of(Path jar, List<String> options) {
        return new InstallSpec(jar, options, "", "", "", List.of());
    }

    public InstallSpec thenOnHost(String shell, Path... readsFiles) {
        List<Path> all = new ArrayList<>(inputs);
        all.addAll(List.of(readsFiles));
        return new InstallSpec(jar, options, afterOnHost + shell + "\n", afterInChroot, kernelVersion, all);
    }

    public InstallSpec thenInChroot(String shell) {
        return new InstallSpec(jar, options, afterOnHost, afterInChroot + shell + "\n", kernelVersion, inputs);
    }

    /** Take this kernel's initrd (e.g. one the steps installed) instead of the chroot's. */
    public InstallSpec kernel(String version) {
        return new InstallSpec(jar, options, afterOnHost, afterInChroot, version, inputs);
    }
}

package io.overlayboot.vm;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * How {@link InitrdCache#installed(InstallSpec, Consumer)} puts overlayboot into
 * a copy of the chroot: optional shell lines in the copy before its first initrd, then
 * {@code java -jar JAR install --root ... OPTIONS}, then optional shell lines
 * on the host (with the copy at {@code $OVERLAYBOOT_TARGET}) and in the copy, and which kernel's
 * initrd to take. Files the extra steps read belong in {@code inputs}: their bytes join the cache key.
 */
public record InstallSpec(Path jar, List<String> options, String beforeInChroot, String afterOnHost, String afterInChroot,
        String kernelVersion, List<Path> inputs) {
    public InstallSpec {
        options = List.copyOf(options);
        inputs = List.copyOf(inputs);
    }

    /** Install with these options; the chroot's own kernel; nothing else. */
    public static InstallSpec of(Path jar, List<String> options) {
        return new InstallSpec(jar, options, "", "", "", "", List.of());
    }

    public InstallSpec thenOnHost(String shell, Path... readsFiles) {
        List<Path> all = new ArrayList<>(inputs);
        all.addAll(List.of(readsFiles));
        return new InstallSpec(jar, options, beforeInChroot, afterOnHost + shell + "\n", afterInChroot, kernelVersion, all);
    }

    /** Shell lines run in the copy before its first initrd is built (e.g. generator configuration). */
    public InstallSpec firstInChroot(String shell) {
        return new InstallSpec(jar, options, beforeInChroot + shell, afterOnHost, afterInChroot, kernelVersion, inputs);
    }

    public InstallSpec thenInChroot(String shell) {
        return new InstallSpec(jar, options, beforeInChroot, afterOnHost, afterInChroot + shell + "\n", kernelVersion, inputs);
    }

    /** Take this kernel's initrd (e.g. one the steps installed) instead of the chroot's. */
    public InstallSpec kernel(String version) {
        return new InstallSpec(jar, options, beforeInChroot, afterOnHost, afterInChroot, version, inputs);
    }
}

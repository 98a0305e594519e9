package io.overlayboot.helper;

import java.nio.file.Path;
import java.util.Map;

/**
 * Where the helper reads and writes outside the mounts, redirected by the same environment
 * variables as the boot script's test hooks.
 *
 * @param runDir {@code $OVERLAYBOOT_RUNDIR}, else /run/overlayboot (the state record's directory)
 * @param kmsg {@code $OVERLAYBOOT_KMSG}, else /dev/kmsg
 * @param mounts {@code $OVERLAYBOOT_MOUNTS}, else /proc/mounts
 */
record BootPaths(Path runDir, Path kmsg, Path mounts) {
    static BootPaths from(Map<String, String> env) {
        return new BootPaths(
                Path.of(env.getOrDefault("OVERLAYBOOT_RUNDIR", "/run/overlayboot")),
                Path.of(env.getOrDefault("OVERLAYBOOT_KMSG", "/dev/kmsg")),
                Path.of(env.getOrDefault("OVERLAYBOOT_MOUNTS", "/proc/mounts")));
    }
}

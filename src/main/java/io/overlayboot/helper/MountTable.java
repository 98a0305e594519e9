package io.overlayboot.helper;

import io.overlayboot.sys.Exec;
import io.overlayboot.sys.ExecException;
import io.overlayboot.sys.MountField;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What is mounted where, read from {@code /proc/mounts} (or {@code $OVERLAYBOOT_MOUNTS}, as the
 * boot script does), and which filesystems the kernel knows ({@code /proc/filesystems}).
 */
final class MountTable {
    /** Loading a module takes milliseconds; one that hangs must not hold up the boot for ever. */
    private static final Duration MODPROBE_LIMIT = Duration.ofSeconds(30);
    private final Path mounts;

    MountTable(Path mounts) {
        this.mounts = mounts;
    }

    /** One line of the table: source, mount point (both unescaped: {@code \040} is a space), filesystem type. */
    record Entry(String source, String mountPoint, String type) {}

    List<Entry> entries() {
        List<Entry> entries = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(mounts)) {
                String[] f = line.split(" ");
                if (f.length >= 3) {
                    entries.add(new Entry(MountField.unescape(f[0]), MountField.unescape(f[1]), f[2]));
                }
            }
        } catch (IOException e) {
            // no table: nothing is mounted as far as we can tell, as for the script
        }
        return entries;
    }

    /** The type of the topmost filesystem mounted at {@code dir}. */
    Optional<String> typeAt(String dir) {
        String found = null;
        for (Entry e : entries()) {
            if (e.mountPoint().equals(dir)) {
                found = e.type();
            }
        }
        return Optional.ofNullable(found);
    }

    /** The mount points strictly below {@code dir}, in table order. */
    List<String> below(String dir) {
        return entries().stream().map(Entry::mountPoint).filter(m -> m.startsWith(dir + "/")).toList();
    }

    /** True when the kernel lists {@code fs} in /proc/filesystems. */
    static boolean kernelHas(String fs) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/filesystems"))) {
                String[] f = line.strip().split("[ \t]+");
                if (f[f.length - 1].equals(fs)) {
                    return true;
                }
            }
        } catch (IOException e) {
            return false;
        }
        return false;
    }

    /** {@code modprobe -q module}, quietly, when modprobe is there; true when it succeeded. */
    static boolean modprobe(String module) {
        for (String modprobe : List.of("/sbin/modprobe", "/usr/sbin/modprobe", "/bin/modprobe")) {
            if (Files.isExecutable(Path.of(modprobe))) {
                try {
                    return Exec.run(List.of(modprobe, "-q", module), MODPROBE_LIMIT).ok();
                } catch (ExecException e) {
                    return false;
                }
            }
        }
        return false;
    }
}

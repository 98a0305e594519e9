package io.overlayboot.helper;

import io.overlayboot.sys.Exec;
import io.overlayboot.sys.ExecException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Finds the upper device named by {@code dev=}: a {@code /dev} path, or {@code LABEL=},
 * {@code UUID=}, {@code PARTUUID=}, {@code PARTLABEL=}. Looks in udev's {@code /dev/disk/by-*}
 * links first, then asks {@code blkid} when the initramfs has it, then reads ext2/3/4 superblocks
 * itself (label and UUID only); polls until the device shows up or the timeout passes.
 */
final class DeviceLookup {
    private static final long POLL_MILLIS = 100;
    private static final int S_IFMT = 0170000;
    private static final int S_IFBLK = 0060000;
    /** blkid reads a few superblocks; one stuck on a dying device must not hold up the boot for ever. */
    private static final Duration BLKID_LIMIT = Duration.ofSeconds(30);
    private static final List<String> BLKID = List.of("/sbin/blkid", "/usr/sbin/blkid", "/bin/blkid");

    private DeviceLookup() {}

    /** The device for {@code spec}, waiting up to {@code timeoutSeconds} for it to appear. */
    static Optional<Path> await(String spec, int timeoutSeconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        while (true) {
            Optional<Path> found = find(spec);
            if (found.isPresent() || System.nanoTime() - deadline >= 0) {
                return found;
            }
            Thread.sleep(POLL_MILLIS);
        }
    }

    /** One look for {@code spec}, without waiting. */
    static Optional<Path> find(String spec) {
        if (spec.startsWith("/dev/")) {
            Path path = Path.of(spec);
            return isBlockDevice(path) ? Optional.of(path) : Optional.empty();
        }
        int eq = spec.indexOf('=');
        if (eq <= 0) {
            return Optional.empty();
        }
        String tag = spec.substring(0, eq);
        String value = spec.substring(eq + 1);
        Path link = Path.of("/dev/disk/by-" + tag.toLowerCase(java.util.Locale.ROOT), value);
        if (isBlockDevice(link)) {
            try {
                return Optional.of(link.toRealPath());
            } catch (IOException e) {
                return Optional.of(link);
            }
        }
        Optional<Path> viaBlkid = blkid("-l", "-t", spec, "-o", "device").map(Path::of).filter(DeviceLookup::isBlockDevice);
        if (viaBlkid.isPresent()) {
            return viaBlkid;
        }
        return switch (tag) {
            case "LABEL" -> probe(sb -> sb.label().equals(value));
            case "UUID" -> probe(sb -> sb.uuid().equalsIgnoreCase(value));
            default -> Optional.empty();
        };
    }

    /** The filesystem type on {@code device}, as blkid says, else from an ext superblock. */
    static Optional<String> fstypeOf(Path device) {
        Optional<String> type = blkid("-s", "TYPE", "-o", "value", device.toString());
        if (type.isPresent()) {
            return type;
        }
        return ExtSuperblock.read(device).map(ExtSuperblock::type);
    }

    /** True for a block device (following links), as the script's {@code [ -b ]}. */
    static boolean isBlockDevice(Path path) {
        try {
            int mode = (Integer) Files.getAttribute(path, "unix:mode");
            return (mode & S_IFMT) == S_IFBLK;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private static Optional<Path> probe(java.util.function.Predicate<ExtSuperblock> matches) {
        for (Path device : blockDevices()) {
            if (ExtSuperblock.read(device).filter(matches).isPresent()) {
                return Optional.of(device);
            }
        }
        return Optional.empty();
    }

    private static List<Path> blockDevices() {
        List<Path> devices = new ArrayList<>();
        try (Stream<Path> names = Files.list(Path.of("/sys/class/block"))) {
            names.map(p -> Path.of("/dev", p.getFileName().toString()))
                    .filter(DeviceLookup::isBlockDevice)
                    .sorted()
                    .forEach(devices::add);
        } catch (IOException e) {
            // no sysfs: nothing to probe
        }
        return devices;
    }

    private static Optional<String> blkid(String... args) {
        Optional<String> blkid = BLKID.stream().filter(p -> Files.isExecutable(Path.of(p))).findFirst();
        if (blkid.isEmpty()) {
            return Optional.empty();
        }
        List<String> command = new ArrayList<>(List.of(blkid.get(), "-c", "/dev/null"));
        command.addAll(List.of(args));
        try {
            Exec.Result r = Exec.run(command, BLKID_LIMIT);
            String out = r.stdout().strip();
            if (!r.ok() || out.isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(out.lines().findFirst().orElse(""));
        } catch (ExecException e) {
            return Optional.empty();
        }
    }
}

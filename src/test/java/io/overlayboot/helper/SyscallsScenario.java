package io.overlayboot.helper;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Drives {@link Syscalls} for real; {@link SyscallsTest} runs it in a child JVM under
 * {@code unshare -m -p -f} (a JVM cannot enter a new mount namespace itself) and checks what it
 * prints: one {@code name=value} line per observation.
 *
 * <p>Arguments: a scratch directory, and the loop device holding an ext4 filesystem labelled
 * {@code obtest} (or "-" for none).
 */
final class SyscallsScenario {
    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        Path a = Files.createDirectories(dir.resolve("a"));
        Path b = Files.createDirectories(dir.resolve("b"));

        Syscalls.mount("obtmpfs", a.toString(), "tmpfs", 0, "size=1m,mode=0755");
        print("tmpfs", mountAt(a));

        for (String d : new String[] {"lower", "upper", "work", "merged"}) {
            Files.createDirectories(a.resolve(d));
        }
        Files.writeString(a.resolve("lower/file"), "from the lower layer");
        Path merged = a.resolve("merged");
        Syscalls.mount("obunion", merged.toString(), "overlay", 0,
                "lowerdir=" + a.resolve("lower") + ",upperdir=" + a.resolve("upper") + ",workdir=" + a.resolve("work"));
        print("overlay", mountAt(merged));
        print("overlay-read", Files.readString(merged.resolve("file")));
        Files.writeString(merged.resolve("new"), "written through the union");
        print("upper-got", Files.readString(a.resolve("upper/new")));
        print("lower-has-new", Files.exists(a.resolve("lower/new")));

        Syscalls.move(merged.toString(), b.toString());
        print("moved-to", mountAt(b));
        print("left-behind", mountAt(merged));

        Syscalls.umount2(b.toString(), 0);
        print("after-umount-b", mountAt(b));
        Syscalls.umount2(a.toString(), 0);
        print("after-umount-a", mountAt(a));

        print("enoent", failure(() -> Syscalls.mount("tmpfs", dir.resolve("missing").toString(), "tmpfs", 0, null)));
        print("einval", failure(() -> Syscalls.umount2(b.toString(), 0)));
        print("enodev", failure(() -> Syscalls.mount("x", a.toString(), "nosuchfs", 0, null)));

        if (!args[1].equals("-")) {
            Optional<Path> found = DeviceLookup.find("LABEL=obtest");
            print("label-found", found.map(Path::toString).orElse("none"));
            print("uuid-found", ExtSuperblock.read(Path.of(args[1]))
                    .flatMap(sb -> DeviceLookup.find("UUID=" + sb.uuid())).map(Path::toString).orElse("none"));
            print("fstype", DeviceLookup.fstypeOf(Path.of(args[1])).orElse("none"));
            print("missing-label", DeviceLookup.await("LABEL=nosuchlabel", 1).map(Path::toString).orElse("none"));
            Syscalls.mount(args[1], a.toString(), "ext4", Syscalls.MS_RDONLY, null);
            print("ext4", mountAt(a));
            print("ext4-file", Files.readString(a.resolve("hello")).strip());
            Syscalls.umount2(a.toString(), 0);
        }
    }

    private interface Call {
        void run() throws SyscallException;
    }

    private static String failure(Call call) {
        try {
            call.run();
            return "no error";
        } catch (SyscallException e) {
            return e.errno() + " " + e.reason() + " | " + e.getMessage();
        }
    }

    private static String mountAt(Path target) throws Exception {
        String found = "none";
        for (String line : Files.readAllLines(Path.of("/proc/self/mounts"))) {
            String[] f = line.split(" ");
            if (f[1].equals(target.toString())) {
                found = f[0] + " " + f[2] + " " + f[3];
            }
        }
        return found;
    }

    private static void print(String name, Object value) {
        System.out.println(name + "=" + value);
    }
}

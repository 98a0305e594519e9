import io.overlayboot.render.RenderRequest;
import io.overlayboot.vm.BootResult;
import io.overlayboot.vm.DebianChroot;
import io.overlayboot.vm.GuestDisk;
import io.overlayboot.vm.InitrdCache;
import io.overlayboot.vm.Qemu;
import io.overlayboot.vm.TargetLayout;
import io.overlayboot.vm.VmSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

/**
 * How long the protection step takes inside the initramfs, in the same QEMU guest as the boot
 * tests: a wrapper around the init-bottom script reads /proc/uptime before and after it, and the
 * guest reports both. Run by bench/boot-time.sh; prints a Markdown table.
 */
void main(String[] args) throws Exception {
    int boots = args.length > 0 ? Integer.parseInt(args[0]) : 5;
    DebianChroot chroot = DebianChroot.ensure(IO::println);
    InitrdCache initrds = new InitrdCache(chroot);
    String version = chroot.kernelVersion();
    String update = "update-initramfs -c -k " + version + "\n";

    TargetLayout rendered = TargetLayout.rendered(RenderRequest.defaults());
    TargetLayout shell = root -> {
        rendered.layInto(root);
        Path scripts = root.resolve("etc/initramfs-tools/scripts");
        Files.createDirectories(scripts.resolve("obt-bench"));
        Files.move(scripts.resolve("init-bottom/overlayboot"), scripts.resolve("obt-bench/overlayboot"));
        wrapper(scripts, "overlayboot");
    };
    // overlayroot is installed in the chroot; its script is moved aside and wrapped the same way.
    TargetLayout peer = root -> wrapper(root.resolve("etc/initramfs-tools/scripts"), "overlayroot");
    String peerCommand = InitrdCache.FAST_MODULES
            + "mkdir -p /etc/initramfs-tools/scripts/obt-bench\n"
            + "cp /usr/share/initramfs-tools/scripts/init-bottom/overlayroot /etc/initramfs-tools/scripts/obt-bench/\n" + update;

    record Variant(String name, String script, InitrdCache.BootFiles boot, String parameter) {}
    List<Variant> variants = List.of(
            new Variant("overlayboot, no parameter (installed, not asked to act)", "overlayboot",
                    initrds.build(shell, InitrdCache.PREPARE + update, version, IO::println), ""),
            new Variant("overlayboot shell path, aufs=tmpfs", "overlayboot",
                    initrds.build(shell, InitrdCache.PREPARE + update, version, IO::println), "aufs=tmpfs"),
            new Variant("overlayroot (Debian peer), overlayroot=tmpfs", "overlayroot",
                    initrds.build(peer, peerCommand, version, IO::println), "overlayroot=tmpfs"));

    Path dir = Files.createTempDirectory("overlayboot-bench-");
    Path template = GuestDisk.root(dir.resolve("root.img"));
    List<String> table = new ArrayList<>();
    table.add("| initramfs step (kernel " + version + ", QEMU TCG, 1 vCPU) | boots | mean ms | min ms | max ms | root fs seen by init |");
    table.add("|---|---|---|---|---|---|");
    for (Variant v : variants) {
        List<Double> ms = new ArrayList<>();
        String root = "?";
        for (int i = 0; i < boots; i++) {
            Path disk = dir.resolve("run.img");
            Files.deleteIfExists(disk);
            Files.copy(template, disk);
            List<String> params = v.parameter().isEmpty() ? List.of() : List.of(v.parameter());
            BootResult r = Qemu.boot(new VmSpec(v.boot(), params, List.of(disk), VmSpec.DEFAULT_MEMORY_MB, VmSpec.DEFAULT_LIMIT));
            String line = r.marker("bench." + v.script()).orElseThrow(() ->
                    new IllegalStateException(v.name() + ": no timing reported:\n" + r.transcript()));
            String[] f = line.split(" ");
            ms.add((Double.parseDouble(f[1]) - Double.parseDouble(f[0])) * 1000);
            root = r.marker("root.source").orElse("?") + " (" + r.marker("root.fstype").orElse("?") + ")";
            IO.println(v.name() + " boot " + (i + 1) + ": " + Math.round(ms.getLast()) + " ms, root " + root);
        }
        table.add("| " + v.name() + " | " + boots + " | "
                + Math.round(ms.stream().mapToDouble(d -> d).average().orElse(0)) + " | "
                + Math.round(ms.stream().mapToDouble(d -> d).min().orElse(0)) + " | "
                + Math.round(ms.stream().mapToDouble(d -> d).max().orElse(0)) + " | " + root + " |");
    }
    IO.println("");
    table.forEach(IO::println);
    try (var files = Files.walk(dir)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
}

/** Puts a timing wrapper at scripts/init-bottom/NAME that runs the real one from scripts/obt-bench/NAME. */
static void wrapper(Path scripts, String name) throws java.io.IOException {
    Path w = Files.createDirectories(scripts.resolve("init-bottom")).resolve(name);
    Files.writeString(w, """
            #!/bin/sh
            # overlayboot benchmark: times the real init-bottom script NAME with /proc/uptime.
            case "${1:-}" in prereqs) echo ""; exit 0 ;; esac
            read -r obt_start _ < /proc/uptime
            sh /scripts/obt-bench/NAME "$@"
            obt_rc=$?
            read -r obt_end _ < /proc/uptime
            echo "NAME=$obt_start $obt_end $obt_rc" >> /run/obt-bench
            exit "$obt_rc"
            """.replace("NAME", name));
    Files.setPosixFilePermissions(w, PosixFilePermissions.fromString("rwxr-xr-x"));
}

import io.overlayboot.vm.BootResult;
import io.overlayboot.vm.DebianChroot;
import java.time.Duration;
import io.overlayboot.vm.Distro;
import io.overlayboot.vm.GuestDisk;
import io.overlayboot.vm.InitrdCache;
import io.overlayboot.vm.InstallSpec;
import io.overlayboot.vm.Qemu;
import io.overlayboot.vm.TargetLayout;
import io.overlayboot.vm.VmSpec;
import java.nio.file.Files;
import java.nio.file.Path;
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

    // overlayboot goes in with install --root from the built jar, as in the boot tests; its
    // init-bottom script is then moved aside and wrapped, and the initrd rebuilt.
    Path jar = Path.of("target", "overlayboot.jar");
    String wrapAndRebuild = wrapInChroot("overlayboot") + "update-initramfs -u -k all\n";
    InitrdCache.BootFiles shellPath = initrds.installed(InstallSpec.of(jar, List.of()).thenInChroot(wrapAndRebuild), IO::println);
    Path runtimeScript = Path.of("packaging", "build-helper-runtime.sh").toAbsolutePath();
    Path helperJar = Path.of("target", "overlayboot-helper.jar").toAbsolutePath();
    InitrdCache.BootFiles helperPath = initrds.installed(InstallSpec.of(jar, List.of("--helper", "jvm"))
            .thenOnHost("sh '" + runtimeScript + "' --jar '" + helperJar + "' \"$OVERLAYBOOT_TARGET/usr/lib/overlayboot\"",
                    runtimeScript, helperJar)
            .thenInChroot(wrapAndRebuild), IO::println);
    // overlayroot is installed in the chroot; its script is moved aside and wrapped the same way.
    String peerCommand = InitrdCache.FAST_MODULES + wrapInChroot("overlayroot").replace(
            "mv /etc/initramfs-tools/scripts/init-bottom/overlayroot", "cp /usr/share/initramfs-tools/scripts/init-bottom/overlayroot") + update;

    // dracut (Debian 13, shell /init): the boot core the pre-pivot hook runs is wrapped the same way.
    InitrdCache.BootFiles dracutPath = new InitrdCache(DebianChroot.ensure(Distro.DRACUT, IO::println))
            .installed(InstallSpec.of(jar, List.of()).firstInChroot(InitrdCache.DRACUT_SHELL_INIT)
                    .thenInChroot(wrapDracutCore()), IO::println);
    String dracutParameters = "ro rd.skipfsck fsck.mode=skip rd.shell=0 rd.emergency=reboot aufs=tmpfs";

    record Variant(String name, String script, InitrdCache.BootFiles boot, String parameter) {}
    List<Variant> variants = List.of(
            new Variant("overlayboot, no parameter (installed, not asked to act)", "overlayboot", shellPath, ""),
            new Variant("overlayboot shell path, aufs=tmpfs", "overlayboot", shellPath, "aufs=tmpfs"),
            new Variant("overlayboot JVM helper (jlink + AOT cache), aufs=tmpfs", "overlayboot", helperPath, "aufs=tmpfs"),
            new Variant("overlayroot (Debian peer), overlayroot=tmpfs", "overlayroot",
                    initrds.build(TargetLayout.NONE, peerCommand, version, IO::println), "overlayroot=tmpfs"),
            new Variant("overlayboot dracut module (Debian 13, shell /init), aufs=tmpfs", "overlayboot", dracutPath, dracutParameters));

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
            List<String> params = v.parameter().isEmpty() ? List.of() : List.of(v.parameter().split(" "));
            BootResult r = Qemu.boot(new VmSpec(v.boot(), params, List.of(disk), VmSpec.DEFAULT_MEMORY_MB, Duration.ofSeconds(480)));
            String line = r.marker("bench." + v.script()).orElseThrow(() ->
                    new IllegalStateException(v.name() + ": no timing reported:\n" + r.transcript()));
            if (!r.linesContaining("the helper failed").isEmpty() || !r.linesContaining("is not in the initramfs").isEmpty()) {
                throw new IllegalStateException(v.name() + ": the helper did not handle the boot:\n" + r.transcript());
            }
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

/**
 * Shell lines (run in the dracut chroot copy after install) that put a timing wrapper in place of
 * the boot core the dracut module installs, have the module install the real core beside it, and
 * rebuild the initrd. The wrapper writes "overlayboot=START END RC" to /run/obt-bench.
 */
static String wrapDracutCore() {
    return """
            m=/usr/lib/dracut/modules.d/90overlayboot
            mv "$m/overlayboot-boot.sh" "$m/overlayboot-boot.real.sh"
            cat > "$m/overlayboot-boot.sh" <<'OBT_WRAPPER'
            #!/bin/sh
            # overlayboot benchmark: times the real boot core with /proc/uptime.
            read -r obt_start _ < /proc/uptime
            sh /usr/lib/overlayboot/overlayboot-boot.real "$@"
            obt_rc=$?
            read -r obt_end _ < /proc/uptime
            echo "overlayboot=$obt_start $obt_end $obt_rc" >> /run/obt-bench
            exit "$obt_rc"
            OBT_WRAPPER
            chmod 0755 "$m/overlayboot-boot.sh"
            sed -i 's|^\\tinst_simple "$moddir/overlayboot-boot.sh" /usr/lib/overlayboot/overlayboot-boot$|&\\n\\tinst_simple "$moddir/overlayboot-boot.real.sh" /usr/lib/overlayboot/overlayboot-boot.real|' "$m/module-setup.sh"
            for v in $(ls /lib/modules); do dracut --force "/boot/initrd.img-$v" "$v"; done
            """;
}

/**
 * Shell lines (run in the chroot copy) that move init-bottom/NAME to scripts/obt-bench/NAME and put
 * a wrapper in its place that times it with /proc/uptime into /run/obt-bench (the guest reports it).
 */
static String wrapInChroot(String name) {
    return """
            mkdir -p /etc/initramfs-tools/scripts/obt-bench
            mv /etc/initramfs-tools/scripts/init-bottom/NAME /etc/initramfs-tools/scripts/obt-bench/NAME
            cat > /etc/initramfs-tools/scripts/init-bottom/NAME <<'OBT_WRAPPER'
            #!/bin/sh
            # overlayboot benchmark: times the real init-bottom script NAME with /proc/uptime.
            case "${1:-}" in prereqs) echo ""; exit 0 ;; esac
            read -r obt_start _ < /proc/uptime
            sh /scripts/obt-bench/NAME "$@"
            obt_rc=$?
            read -r obt_end _ < /proc/uptime
            echo "NAME=$obt_start $obt_end $obt_rc" >> /run/obt-bench
            exit "$obt_rc"
            OBT_WRAPPER
            chmod 0755 /etc/initramfs-tools/scripts/init-bottom/NAME
            """.replace("NAME", name);
}

package io.overlayboot.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.overlayboot.core.ExitCode;
import io.overlayboot.core.Json;
import io.overlayboot.initramfs.Compression;
import io.overlayboot.initramfs.PackEntry;
import io.overlayboot.initramfs.Packer;
import io.overlayboot.sys.Exec;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code status} on a real union, in a private mount namespace ({@code unshare -m}): the lower layer
 * LOWER (a plain directory) and a 16 MiB tmpfs named {@code overlayboot-rw} holding upper/ and
 * work/, united by overlayfs at ROOT, with the tmpfs bound at ROOT/rw and LOWER at ROOT/ro, as the
 * boot leaves them. The CLI runs inside the namespace with {@code --root ROOT}, reading the real
 * mount table. LOWER holds: <pre>
 * etc/overlayboot.conf                   mode=tmpfs, size=16m
 * proc/cmdline                           ro aufs=tmpfs
 * proc/meminfo                           MemTotal: 65536 kB (64 MiB: the tmpfs is a quarter of it)
 * run/overlayboot/state                  as the boot script writes it
 * boot/vmlinuz-V, lib/modules/V/modules.dep (overlay.ko)
 * boot/initrd.img-V                      an initramfs-tools initrd packed by overlayboot's Packer (or none)
 * </pre>
 */
class StatusOnARealUnionTest {
    private static final String V = "6.12.0-9-amd64";

    @TempDir
    Path tmp;

    private Path lower;

    @BeforeEach
    void lower() throws IOException {
        lower = tmp.resolve("lower");
        write("etc/overlayboot.conf", "mode=tmpfs\nsize=16m\n");
        write("proc/cmdline", "BOOT_IMAGE=/boot/vmlinuz-" + V + " root=/dev/vda1 ro aufs=tmpfs\n");
        write("proc/meminfo", "MemTotal:          65536 kB\nMemFree:           1000 kB\n");
        write("run/overlayboot/state", "status=protected\nmessage=protected: writes go to tmpfs (size 16m)\nactive=1\n"
                + "mode=tmpfs\nsize=16m\nupper=tmpfs\nunion=overlay\nwarning=overlayboot: unknown option 'sise', ignoring it\n");
        write("boot/vmlinuz-" + V, "");
        write("lib/modules/" + V + "/modules.dep", "kernel/fs/overlayfs/overlay.ko.xz:\n");
        write("lib/modules/" + V + "/modules.builtin", "");
    }

    private void write(String path, String text) throws IOException {
        Path p = lower.resolve(path);
        Files.createDirectories(p.getParent());
        Files.writeString(p, text);
    }

    /** An initramfs-tools initrd with what overlayboot needs, at LOWER/boot/initrd.img-V. */
    private void goodInitrd() throws IOException {
        List<PackEntry> e = new ArrayList<>();
        for (String d : List.of("conf", "etc", "scripts", "scripts/init-bottom", "usr", "usr/share", "usr/share/overlayboot", "usr/lib", "usr/lib/modules",
                "usr/lib/modules/" + V, "usr/lib/modules/" + V + "/kernel", "usr/lib/modules/" + V + "/kernel/fs",
                "usr/lib/modules/" + V + "/kernel/fs/overlayfs")) {
            e.add(PackEntry.directory(d, 0755));
        }
        e.add(file("conf/initramfs.conf", "MODULES=most\n"));
        e.add(file("etc/overlayboot.conf", "mode=tmpfs\nsize=16m\n"));
        e.add(file("scripts/init-bottom/overlayboot", "#!/bin/sh\n"));
        e.add(file("scripts/init-bottom/ORDER", "/scripts/init-bottom/overlayboot \"$@\"\n"));
        e.add(file(io.overlayboot.render.Renderer.LIBRARY, "ob_main() { :; }\n"));
        e.add(file("usr/lib/modules/" + V + "/kernel/fs/overlayfs/overlay.ko.xz", ""));
        try (OutputStream out = Files.newOutputStream(lower.resolve("boot/initrd.img-" + V))) {
            Packer.write(e, Compression.GZIP, 6, 0, out);
        }
    }

    private static PackEntry file(String name, String text) {
        return PackEntry.file(name, 0644, text.getBytes(StandardCharsets.UTF_8));
    }

    /** Builds the union in a private mount namespace and runs {@code overlayboot status ARGS} in it. */
    private Exec.Result status(String... args) {
        String java = ProcessHandle.current().info().command().orElse(System.getProperty("java.home") + "/bin/java");
        String script = """
                set -e
                L=$1 U=$2 T=$3; shift 3
                mkdir -p "$U" "$T"
                mount -t tmpfs -o size=16m,mode=0755 overlayboot-rw "$U"
                mkdir "$U/upper" "$U/work"
                mount -t overlay -o "lowerdir=$L,upperdir=$U/upper,workdir=$U/work" overlayboot "$T"
                mkdir -p "$T/rw" "$T/ro"
                mount --bind "$U" "$T/rw"
                mount --bind "$L" "$T/ro"
                head -c 4194304 /dev/zero > "$T/written-since-boot"
                exec "$@"
                """;
        List<String> command = new ArrayList<>(List.of("unshare", "-m", "--propagation", "private", "sh", "-c", script + " \"$@\"", "sh",
                lower.toString(), tmp.resolve("upper").toString(), tmp.resolve("root").toString(),
                java, "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"), "io.overlayboot.cli.Main",
                "status", "--root", tmp.resolve("root").toString()));
        command.addAll(List.of(args));
        return Exec.run(command, Duration.ofSeconds(120));
    }

    @Test
    void protectedNowAndAtTheNextBootExitsZeroAndItsJsonMatchesTheSchema() throws IOException {
        goodInitrd();
        Exec.Result r = status("--json");
        assertThat(r.exitCode()).as(r.stdout() + r.stderr()).isEqualTo(ExitCode.OK.code());
        JsonSchemas.assertMatches("status", r.stdout());
        @SuppressWarnings("unchecked")
        Map<String, Object> m = (Map<String, Object>) Json.parse(r.stdout());
        assertThat(m).containsEntry("schemaVersion", 1).containsEntry("protected", true).containsEntry("driver", "overlay")
                .containsEntry("persisted", List.of());
        assertThat(((Number) m.get("ramBytes")).longValue()).isEqualTo(64L * 1024 * 1024);
        @SuppressWarnings("unchecked")
        Map<String, Object> upper = (Map<String, Object>) m.get("upper");
        assertThat(upper).containsEntry("mountPoint", "/rw").containsEntry("device", "overlayboot-rw")
                .containsEntry("type", "tmpfs").containsEntry("sizeRamShare", 0.25);
        assertThat(((Number) upper.get("sizeBytes")).longValue()).isEqualTo(16L * 1024 * 1024);
        assertThat(((Number) upper.get("usedBytes")).longValue()).as("the 4 MiB file written through the union")
                .isBetween(4L * 1024 * 1024, 5L * 1024 * 1024);
        assertThat(((Number) upper.get("usedRamShare")).doubleValue()).isBetween(0.0625, 0.08);
        @SuppressWarnings("unchecked")
        Map<String, Object> lowerLayer = (Map<String, Object>) m.get("lower");
        assertThat(lowerLayer).containsEntry("mountPoint", "/ro").containsEntry("sizeRamShare", null);
        assertThat(m.get("parameters").toString()).contains("{name=mode, value=tmpfs, source=cmdline}",
                "{name=size, value=16m, source=config}", "{name=timeout, value=10, source=default}");
        assertThat(m.get("nextBoot").toString()).startsWith("{verdict=protected, reasons=[], warnings=[], entry=");
        assertThat(m.get("warnings")).isEqualTo(List.of("overlayboot: unknown option 'sise', ignoring it"));

        Exec.Result text = status();
        assertThat(text.exitCode()).isZero();
        assertThat(text.stdout()).startsWith("protected: / is an overlay union").contains("upper layer (/rw): 2")
                .contains("\nnext boot: protected\n").contains("settings: mode=tmpfs (cmdline), size=16m (config)");
    }

    @Test
    void protectedNowButNotAtTheNextBootExitsEightNamingTheReason() {
        Exec.Result r = status("--json");
        assertThat(r.exitCode()).as(r.stdout() + r.stderr()).isEqualTo(ExitCode.NEXT_BOOT_UNPROTECTED.code()).isEqualTo(8);
        JsonSchemas.assertMatches("status", r.stdout());
        assertThat(r.stdout()).contains("\"nextBoot\":{\"verdict\":\"unprotected\",\"reasons\":[{\"kind\":\"unprotected\","
                + "\"text\":\"initrd /boot/initrd.img-" + V + " does not exist\"");
        Exec.Result text = status();
        assertThat(text.exitCode()).isEqualTo(8);
        assertThat(text.stdout()).contains("next boot: UNPROTECTED: initrd /boot/initrd.img-" + V + " does not exist");
    }
}

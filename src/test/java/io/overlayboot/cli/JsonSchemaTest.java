package io.overlayboot.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.overlayboot.install.DebianTreeAccess;
import io.overlayboot.sys.Exec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every {@code --json} output, from a real run on real input, matches the schema docs/json.md
 * documents for it ({@code try}, which boots QEMU, is checked by {@code TryCommandIT}).
 */
class JsonSchemaTest {
    @TempDir
    Path tmp;

    private static String json(String... args) {
        Cli.Run r = Cli.run(args);
        assertThat(r.code()).as(String.join(" ", args) + ": " + r.err()).isIn(0, 1);
        assertThat(r.out().strip()).as("one line").doesNotContain("\n");
        return r.out();
    }

    @Test
    void everyCommandWithJsonHasADocumentedSchema() {
        Set<String> withJson = new TreeSet<>();
        Main.commandLine(Main.Commands.ALL).getSubcommands().forEach((name, sub) -> {
            if (sub.getCommandSpec().findOption("--json") != null) {
                withJson.add(name);
            }
        });
        assertThat(withJson).hasSizeGreaterThan(10);
        assertThat(JsonSchemas.all().keySet()).containsAll(withJson);
    }

    @Test
    void settings() {
        JsonSchemas.assertMatches("settings", json("settings", "--json"));
    }

    @Test
    void render() {
        JsonSchemas.assertMatches("render", json("render", "--out", tmp.resolve("out").toString(), "--json"));
    }

    @Test
    void installConfigureUninstall() throws Exception {
        Path root = DebianTreeAccess.create(tmp.resolve("root"), true);
        String r = root.toString();
        JsonSchemas.assertMatches("install", json("install", "--root", r, "--yes", "--dry-run", "--json"));
        JsonSchemas.assertMatches("install", json("install", "--root", r, "--yes", "--json"));
        JsonSchemas.assertMatches("configure", json("configure", "--root", r, "--yes", "--json", "size=30%"));
        JsonSchemas.assertMatches("uninstall", json("uninstall", "--root", r, "--yes", "--json"));
    }

    @Test
    void enableDisable() throws Exception {
        Path root = DebianTreeAccess.createPackaged(tmp.resolve("root"), true);
        String r = root.toString();
        JsonSchemas.assertMatches("enable", json("enable", "--root", r, "--dry-run", "--json", "--size", "30%"));
        JsonSchemas.assertMatches("enable", json("enable", "--root", r, "--yes", "--json", "--size", "30%"));
        JsonSchemas.assertMatches("disable", json("disable", "--root", r, "--yes", "--json"));
    }

    @Test
    void status() throws Exception {
        Path mounts = Files.writeString(tmp.resolve("mounts"), "overlayboot / overlay rw,lowerdir=/ro 0 0\n");
        Files.createDirectories(tmp.resolve("run/overlayboot"));
        Files.writeString(tmp.resolve("run/overlayboot/state"), "status=protected\nmessage=protected: writes go to tmpfs\n");
        JsonSchemas.assertMatches("status", json("status", "--root", tmp.toString(), "--mounts", mounts.toString(), "--json"));
        Path plain = Files.writeString(tmp.resolve("plain"), "/dev/vda1 / ext4 rw 0 0\n");
        JsonSchemas.assertMatches("status", json("status", "--root", tmp.resolve("none").toString(), "--mounts",
                plain.toString(), "--json"));
    }

    @Test
    void nextBoot() throws Exception {
        Path plain = Files.writeString(tmp.resolve("plain"), "/dev/vda1 / ext4 rw 0 0\n");
        Path grub = Files.createDirectories(tmp.resolve("grub-root/boot/grub"));
        try (var cfg = JsonSchemaTest.class.getResourceAsStream("/io/overlayboot/guard/grub-mkconfig-bookworm-entries.cfg")) {
            Files.write(grub.resolve("grub.cfg"), cfg.readAllBytes());
        }
        for (String root : java.util.List.of("grub-root", "flag-root")) {
            Files.createDirectories(tmp.resolve(root));
            for (String choice : java.util.List.of("writable", "protected", "default")) {
                JsonSchemas.assertMatches("next-boot", json("next-boot", choice, "--root", tmp.resolve(root).toString(), "--mounts",
                        plain.toString(), "--json"));
            }
        }
        assertThat(grub.resolve("grubenv")).content().doesNotContain("next_entry");
    }

    @Test
    void diff() throws Exception {
        Path upper = Files.createDirectories(tmp.resolve("upper/etc"));
        Path lower = Files.createDirectories(tmp.resolve("lower/etc"));
        Files.writeString(lower.resolve("hostname"), "old\n");
        Files.writeString(lower.resolve("gone"), "x\n");
        Files.writeString(upper.resolve("hostname"), "new\n");
        Files.writeString(upper.resolve("added"), "new\n");
        Exec.run(List.of("mknod", upper.resolve("gone").toString(), "c", "0", "0"), Duration.ofSeconds(10)).check();
        String out = json("diff", "--upper", tmp.resolve("upper").toString(), "--lower", tmp.resolve("lower").toString(), "--json");
        assertThat(out).contains("\"added\"", "\"changed\"", "\"deleted\"");
        JsonSchemas.assertMatches("diff", out);
    }

    @Test
    void commit() {
        String java = ProcessHandle.current().info().command().orElseThrow();
        String script = """
                set -e
                cd "$1"
                mkdir -p root ro rw
                mount -t tmpfs tmpfs ro; mkdir ro/etc; echo old > ro/etc/hostname; echo x > ro/etc/gone
                mount -o remount,ro ro
                mount -t tmpfs tmpfs rw; mkdir rw/upper rw/work
                mount -t overlay -o lowerdir=ro,upperdir=rw/upper,workdir=rw/work overlayboot root
                echo new > root/etc/hostname; rm root/etc/gone
                "$2" --enable-native-access=ALL-UNNAMED -cp "$3" io.overlayboot.cli.Main commit --root "$PWD/root" \\
                    --lower "$PWD/ro" --json /etc/hostname /etc/gone /etc/never
                """;
        Exec.Result r = Exec.run(List.of("unshare", "-m", "--propagation", "private", "sh", "-c", script, "sh",
                tmp.toString(), java, System.getProperty("java.class.path")), Duration.ofMinutes(2));
        assertThat(r.exitCode()).as(r.stderr() + r.stdout()).isZero();
        assertThat(r.stdout()).contains("\"copied\"", "\"deleted\"", "\"unchanged\"");
        JsonSchemas.assertMatches("commit", r.stdout());
    }

    @Test
    void packInspectExtract() throws Exception {
        Path tree = Files.createDirectories(tmp.resolve("tree/bin"));
        Files.writeString(tree.resolve("hello"), "#!/bin/sh\necho \"hi\"\n");
        Files.createSymbolicLink(tree.resolve("sh"), Path.of("hello"));
        Path img = tmp.resolve("initrd.img");
        JsonSchemas.assertMatches("pack", json("pack", "--tree", tmp.resolve("tree").toString(), "--out", img.toString(),
                "--compress", "gzip", "--json"));
        // a device node too (pack takes none): cpio writes it, as a plain segment in front, as an early cpio
        Exec.run(List.of("mknod", tree.resolve("null").toString(), "c", "1", "3"), Duration.ofSeconds(10)).check();
        Path both = tmp.resolve("both.img");
        Exec.run(List.of("sh", "-c", "cd \"$0\" && find . | cpio --quiet -o -H newc > \"$1\" && cat \"$2\" >> \"$1\"",
                tmp.resolve("tree").toString(), both.toString(), img.toString()), Duration.ofSeconds(30)).check();
        String listing = json("inspect", "--json", both.toString());
        assertThat(listing).contains("\"link\":\"hello\"", "\"rdev\":\"1:3\"");
        JsonSchemas.assertMatches("inspect", listing);
        JsonSchemas.assertMatches("extract", json("extract", img.toString(), tmp.resolve("x").toString(), "--json"));
        Path overlay = tmp.resolve("overlay.img");
        JsonSchemas.assertMatches("pack", json("pack", "--out", overlay.toString(), "--json"));
    }

    @Test
    void demo() {
        JsonSchemas.assertMatches("demo", json("demo", "--json"));
    }

    @Test
    void theSchemasRejectWhatTheyDoNotDescribe() {
        String settings = json("settings", "--json");
        assertThat(JsonSchemas.errors("settings", settings.replaceFirst("\"help\":", "\"helpText\":"))).isNotEmpty();
        assertThat(JsonSchemas.errors("settings", settings.replaceFirst("\"kernelOption\":(true|false)", "\"kernelOption\":\"yes\"")))
                .isNotEmpty();
        assertThat(JsonSchemas.errors("commit", "[{\"path\":\"/etc/x\",\"action\":\"moved\"}]")).isNotEmpty();
    }
}

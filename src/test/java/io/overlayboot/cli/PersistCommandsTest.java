package io.overlayboot.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.overlayboot.core.ExitCode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** persist= at the CLI: --persist on render, and what status and diff say about persisted paths. */
class PersistCommandsTest {
    @TempDir
    Path tmp;

    @Test
    void persistIsRepeatableAndLandsInTheConfigFileSpaceSeparated() throws Exception {
        Path out = tmp.resolve("out");
        Cli.Run r = Cli.run("render", "--out", out.toString(), "--persist", "/srv/data", "--persist", "@ssh-host-keys",
                "--store", "LABEL=keep");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(Files.readString(out.resolve("etc/overlayboot.conf")))
                .contains("\npersist=/srv/data @ssh-host-keys\n", "\nstore=LABEL=keep\n");
    }

    @Test
    void aBadEntryIsOneLineNamingItWithTheBadInputCodeAndNothingWritten() {
        for (String bad : new String[] {"etc/foo", "/proc/x", "/", "/etc/../shadow", "@nope", "/run/x"}) {
            Path out = tmp.resolve("out-" + bad.hashCode());
            Cli.Run r = Cli.run("render", "--out", out.toString(), "--persist", "/srv/ok", "--persist", bad);
            assertThat(r.code()).as(bad).isEqualTo(ExitCode.BAD_INPUT.code());
            assertThat(r.err()).hasLineCount(1).contains("'" + bad + "'").doesNotContain("Exception", "\tat ");
            assertThat(out).doesNotExist();
        }
    }

    @Test
    void configureSetsPersistFromRepeatedFlagsAndRefusesABadEntryNamingIt() throws Exception {
        Path root = io.overlayboot.install.DebianTreeAccess.create(tmp.resolve("root"), true);
        String r = root.toString();
        assertThat(Cli.run("install", "--root", r, "--yes").code()).isZero();
        Cli.Run ok = Cli.run("configure", "--root", r, "--yes", "--persist", "/srv/data", "--persist", "@machine-id");
        assertThat(ok.code()).as(ok.err()).isZero();
        assertThat(Files.readString(root.resolve("etc/overlayboot.conf"))).contains("\npersist=/srv/data @machine-id\n");
        byte[] before = Files.readAllBytes(root.resolve("etc/overlayboot.conf"));
        Cli.Run bad = Cli.run("configure", "--root", r, "--yes", "--persist", "/sys/x");
        assertThat(bad.code()).isEqualTo(ExitCode.BAD_INPUT.code());
        assertThat(bad.err()).hasLineCount(1).contains("'/sys/x' is under /sys");
        assertThat(Files.readAllBytes(root.resolve("etc/overlayboot.conf"))).isEqualTo(before);
    }

    private Path protectedMachine() throws Exception {
        Files.createDirectories(tmp.resolve("run/overlayboot"));
        Files.writeString(tmp.resolve("run/overlayboot/state"), """
                status=protected
                message=protected: writes go to tmpfs
                persist=@docker /srv/data /srv/gone /srv/link/x
                persisted=/var/lib/docker
                persisted=/srv/data
                persisted=/srv/gone
                volatile=/srv/link/x
                warning=overlayboot: cannot persist /srv/link/x: a component of it is a symbolic link; it stays volatile this boot
                """);
        return Files.writeString(tmp.resolve("mounts"), """
                overlayboot / overlay rw,lowerdir=/ro 0 0
                /dev/vda1 /ro ext4 ro 0 0
                /dev/vda1 /var/lib/docker ext4 rw 0 0
                /dev/vda1 /srv/data ext4 rw 0 0
                """);
    }

    @Test
    void statusListsEachPersistedPathAndWhetherItIsInForce() throws Exception {
        Path mounts = protectedMachine();
        Cli.Run r = Cli.run("status", "--root", tmp.toString(), "--mounts", mounts.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains(
                "persisted: /var/lib/docker (in force: writes under it are kept)",
                "persisted: /srv/data (in force: writes under it are kept)",
                "persisted: /srv/gone (NOT in force: nothing is mounted there any more; writes are lost)",
                "volatile: /srv/link/x (asked for, but it could not be set up at boot; see the boot warnings)");
        Cli.Run json = Cli.run("status", "--root", tmp.toString(), "--mounts", mounts.toString(), "--json");
        JsonSchemas.assertMatches("status", json.out());
        assertThat(json.out()).contains("\"path\":\"/srv/gone\"", "\"inForce\":false", "\"recorded\":\"volatile\"");
    }

    @Test
    void diffMarksPersistedPathsKeptAndUnpersistedShowsOnlyWhatARebootThrowsAway() throws Exception {
        Path mounts = protectedMachine();
        Path upper = Files.createDirectories(tmp.resolve("upper"));
        Files.createDirectories(tmp.resolve("lower/etc"));
        Files.createDirectories(upper.resolve("etc"));
        Files.writeString(upper.resolve("etc/added"), "new\n");
        // the mount point made in the union for a path missing on the lower, hidden by its bind
        Files.createDirectories(upper.resolve("srv/data"));
        Files.createDirectories(upper.resolve("srv/link"));
        Files.writeString(upper.resolve("srv/link/x"), "volatile\n");
        String[] base = {"diff", "--upper", upper.toString(), "--lower", tmp.resolve("lower").toString(),
            "--state", tmp.resolve("run/overlayboot/state").toString(), "--mounts", mounts.toString()};
        Cli.Run all = Cli.run(base);
        assertThat(all.code()).as(all.err()).isZero();
        assertThat(all.out().lines()).contains("A /etc/added", "A /srv/link/x", "K /var/lib/docker", "K /srv/data")
                .doesNotContain("A /srv/data", "K /srv/gone", "K /srv/link/x");

        String[] unpersisted = java.util.Arrays.copyOf(base, base.length + 1);
        unpersisted[base.length] = "--unpersisted";
        Cli.Run thrownAway = Cli.run(unpersisted);
        assertThat(thrownAway.out().lines()).contains("A /etc/added", "A /srv/link/x")
                .noneMatch(l -> l.startsWith("K ") || l.contains("/srv/data") || l.contains("docker"));

        String[] json = java.util.Arrays.copyOf(base, base.length + 1);
        json[base.length] = "--json";
        Cli.Run asJson = Cli.run(json);
        JsonSchemas.assertMatches("diff", asJson.out());
        assertThat(asJson.out()).contains("{\"change\":\"kept\",\"path\":\"/var/lib/docker\"}");
    }
}

package io.overlayboot.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import io.overlayboot.cli.Cli;
import io.overlayboot.cli.JsonSchemas;
import io.overlayboot.sys.Exec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code schedule} on a target tree, its calendar spec checked by this machine's
 * {@code systemd-analyze calendar} (the tree has none), its units checked by
 * {@code systemd-analyze verify --root} against the host's own targets copied into the tree.
 */
class WindowTest {
    @TempDir
    Path dir;

    private Path tree() throws Exception {
        Path root = dir.resolve("root");
        Files.createDirectories(root.resolve("etc/systemd/system/timers.target.wants"));
        Files.createDirectories(root.resolve("usr/bin"));
        Path ob = Files.writeString(root.resolve("usr/bin/overlayboot"), "#!/bin/sh\n");
        Files.setPosixFilePermissions(ob, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        return root;
    }

    /** Every path below {@code root} with its type, mode and content or link target. */
    private static String snapshot(Path root) throws Exception {
        StringBuilder s = new StringBuilder();
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : all.sorted().toList()) {
                s.append(root.relativize(p)).append(' ');
                if (Files.isSymbolicLink(p)) {
                    s.append("-> ").append(Files.readSymbolicLink(p));
                } else {
                    s.append(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(p)));
                    if (Files.isRegularFile(p)) {
                        s.append(' ').append(Files.readString(p).hashCode());
                    }
                }
                s.append('\n');
            }
        }
        return s.toString();
    }

    @Test
    void theWindowIsATimerAndAServiceEnabledByALinkAndOffPutsEveryByteBack() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/systemd-analyze")), "needs systemd-analyze");
        Path root = tree();
        String before = snapshot(root);
        Cli.Run on = Cli.run("schedule", "--root", root.toString(), "Sun 03:00", "--warn-minutes", "15", "--json");
        assertThat(on.code()).as(on.err()).isZero();
        JsonSchemas.assertMatches("schedule", on.out());
        assertThat(on.out()).contains("\"calendar\":\"Sun *-*-* 03:00:00\"").contains("\"warnMinutes\":15");

        Path units = root.resolve("etc/systemd/system");
        String timer = Files.readString(units.resolve("overlayboot-upgrade.timer"));
        String service = Files.readString(units.resolve("overlayboot-upgrade.service"));
        assertThat(timer).contains("\nOnCalendar=Sun *-*-* 03:00:00\n").contains("\nPersistent=false\n").contains("\nWantedBy=timers.target\n");
        assertThat(service).contains("\nType=oneshot\n").contains("\nExecStart=/usr/bin/overlayboot upgrade --reboot-if-needed 15\n")
                .contains("\nConditionPathIsMountPoint=/ro\n");
        assertThat(Files.readSymbolicLink(units.resolve("timers.target.wants/overlayboot-upgrade.timer")))
                .isEqualTo(Path.of("/etc/systemd/system/overlayboot-upgrade.timer"));

        verify(root);

        Cli.Run shown = Cli.run("schedule", "--root", root.toString());
        assertThat(shown.out()).isEqualTo("maintenance window: Sun *-*-* 03:00:00 (upgrade; reboot if needed after a 15 min warning)\n");

        Cli.Run moved = Cli.run("schedule", "--root", root.toString(), "Mon..Fri 22:30", "--warn-minutes", "15");
        assertThat(moved.code()).as(moved.err()).isZero();
        assertThat(moved.out()).as("only the timer changes").startsWith("change " + units.resolve("overlayboot-upgrade.timer").toRealPath() + "\n")
                .doesNotContain("service");

        Cli.Run off = Cli.run("schedule", "--root", root.toString(), "--off", "--json");
        assertThat(off.code()).as(off.err()).isZero();
        JsonSchemas.assertMatches("schedule", off.out());
        assertThat(snapshot(root)).isEqualTo(before);
        assertThat(Cli.run("schedule", "--root", root.toString()).out()).isEqualTo("maintenance window: none\n");
    }

    /** {@code systemd-analyze verify} of the units, with the host's targets and slices in the tree; silent when they are right. */
    private void verify(Path root) throws Exception {
        Path lib = Files.createDirectories(root.resolve("usr/lib/systemd/system"));
        try (Stream<Path> host = Files.list(Path.of("/usr/lib/systemd/system"))) {
            for (Path p : host.filter(p -> p.toString().endsWith(".target") || p.toString().endsWith(".slice"))
                    .filter(Files::isRegularFile).toList()) {
                Files.copy(p, lib.resolve(p.getFileName()));
            }
        }
        Path units = root.resolve("etc/systemd/system");
        Exec.Result r = Exec.run(List.of("systemd-analyze", "verify", "--root=" + root, units.resolve("overlayboot-upgrade.timer").toString(),
                units.resolve("overlayboot-upgrade.service").toString()), Duration.ofMinutes(1));
        assertThat(r.exitCode()).as(r.stdout() + r.stderr()).isZero();
        assertThat((r.stdout() + r.stderr()).strip()).isEmpty();
        try (Stream<Path> s = Files.list(lib)) {
            for (Path p : s.toList()) {
                Files.delete(p);
            }
        }
        Files.delete(lib);
        Files.delete(lib.getParent());
        Files.delete(lib.getParent().getParent());
    }

    @Test
    void aBadSpecAndATargetWithoutSystemdAreRefusedAndChangeNothing() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/systemd-analyze")), "needs systemd-analyze");
        Path root = tree();
        String before = snapshot(root);
        Cli.Run bad = Cli.run("schedule", "--root", root.toString(), "Sun 3:xx");
        assertThat(bad.code()).isEqualTo(3);
        assertThat(bad.err()).contains("'Sun 3:xx' is not a systemd calendar spec").contains("systemd.time(7)");
        Cli.Run control = Cli.run("schedule", "--root", root.toString(), "Sun 03:00\nExecStart=/bin/evil");
        assertThat(control.code()).isEqualTo(3);
        assertThat(control.err()).contains("holds a control character");
        assertThat(Cli.run("schedule", "--root", root.toString(), "--warn-minutes", "-1", "daily").code()).isEqualTo(2);
        assertThat(Cli.run("schedule", "--root", root.toString(), "--off", "daily").code()).isEqualTo(2);
        assertThat(snapshot(root)).isEqualTo(before);

        Files.delete(root.resolve("etc/systemd/system/timers.target.wants"));
        Files.delete(root.resolve("etc/systemd/system"));
        Cli.Run none = Cli.run("schedule", "--root", root.toString(), "daily");
        assertThat(none.code()).isEqualTo(4);
        assertThat(none.err()).contains("does not run systemd").contains("cron");
    }

    @Test
    void offWithoutAWindowSaysSo() throws Exception {
        Path root = tree();
        Cli.Run off = Cli.run("schedule", "--root", root.toString(), "--off");
        assertThat(off.code()).isZero();
        assertThat(off.err()).contains("no maintenance window is set");
    }
}

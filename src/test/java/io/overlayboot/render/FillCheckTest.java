package io.overlayboot.render;

import static org.assertj.core.api.Assertions.assertThat;

import io.overlayboot.sys.Exec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The rendered fill check ({@code usr/lib/overlayboot/overlayboot-fill}) run for real, under dash
 * (Debian's /bin/sh, which the service runs) and bash --posix, in a private mount namespace ({@code unshare -m}): a 4 MiB tmpfs holding upper/
 * and work/, united with a lower directory by overlayfs at ROOT, the tmpfs bound at ROOT/rw as the
 * boot leaves it. Each step writes a file through the union to fill the tmpfs to a given percent
 * (real {@code df}, real counting), then runs the check. {@code logger}, {@code wall} and
 * {@code systemctl} are stubs on PATH that append their arguments (and wall its input) to LOG, as
 * does the fill_action hook; the check's own state ({@code fill}, {@code fill-message}) is real.
 * (Not busybox sh: it runs its own {@code logger} applet, which no stub on PATH can stand in for.)
 */
class FillCheckTest {
    @TempDir
    Path work;

    private Path script(Map<String, String> chosen) throws IOException {
        RenderedFile fill = new Renderer().render(RenderRequest.of(chosen, List.of(), true)).stream()
                .filter(f -> f.path().equals("usr/lib/overlayboot/overlayboot-fill")).findFirst().orElseThrow();
        return Files.write(work.resolve("overlayboot-fill"), fill.content());
    }

    /**
     * {@code ob_is_percent} is written once (templates/lib/percent.ftl); the fill check, which runs
     * on its own on the installed system, carries the same rendered text as the boot library.
     */
    @Test
    void thePercentCheckIsDefinedOnceAndRenderedAlikeIntoTheFillCheckAndTheLibrary() throws IOException {
        List<String> definitions = new ArrayList<>();
        try (var files = Files.walk(Path.of("templates"))) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                Files.readAllLines(f).stream().filter(l -> l.startsWith("ob_is_percent()")).forEach(l -> definitions.add(f.toString()));
            }
        }
        assertThat(definitions).containsExactly("templates/lib/percent.ftl");
        var rendered = new Renderer().render(new RenderRequest(Map.of(), List.of(), true));
        List<String> bodies = new ArrayList<>();
        for (String path : List.of("usr/lib/overlayboot/overlayboot-fill", Renderer.LIBRARY)) {
            String text = new String(rendered.stream().filter(f -> f.path().equals(path)).findFirst().orElseThrow().content(),
                    java.nio.charset.StandardCharsets.UTF_8);
            int at = text.indexOf("\nob_is_percent() {\n");
            assertThat(at).as(path).isPositive();
            bodies.add(text.substring(at, text.indexOf("\n}\n", at)));
        }
        assertThat(bodies.get(0)).isEqualTo(bodies.get(1));
    }

    private void stub(String name, String body) throws IOException {
        Path bin = Files.createDirectories(work.resolve("bin"));
        Path p = Files.writeString(bin.resolve(name), "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    /**
     * Runs the steps (percents to fill to) in the namespace; returns LOG. With {@code union} false
     * ROOT is a plain directory with the tmpfs at ROOT/rw.
     */
    private String run(String shell, Path script, boolean union, int... steps) throws IOException {
        return run(shell, script, union, "tmpfs", steps);
    }

    /** As {@link #run(String, Path, boolean, int...)}, with the upper layer a tmpfs or an 8 MiB ext4 image. */
    private String run(String shell, Path script, boolean union, String upperType, int... steps) throws IOException {
        String log = work.resolve("log").toString();
        stub("logger", "printf 'logger %s\\n' \"$*\" >> '" + log + "'");
        stub("wall", "printf 'wall %s\\n' \"$(cat)\" >> '" + log + "'");
        stub("systemctl", "printf 'systemctl %s\\n' \"$*\" >> '" + log + "'");
        stub("hook", "printf 'hook %s\\n' \"$*\" >> '" + log + "'");
        Files.writeString(work.resolve("log"), "");
        StringBuilder s = new StringBuilder("""
                set -e
                W=$1 SH=$2 SCRIPT=$3 UNION=$4 UPPER=$5; shift 5
                T=$W/root U=$W/upper L=$W/lower LOG=$W/log
                mkdir -p "$T" "$U" "$L" "$W/run"
                if [ "$UPPER" = ext4 ]; then
                    truncate -s 8M "$W/upper.img"
                    mkfs.ext4 -q -F "$W/upper.img"
                    mount -o loop "$W/upper.img" "$U"
                else
                    mount -t tmpfs -o size=4m overlayboot-rw "$U"
                fi
                if [ "$UNION" = 1 ]; then
                    mkdir "$U/upper" "$U/work"
                    mount -t overlay -o "lowerdir=$L,upperdir=$U/upper,workdir=$U/work" overlayboot "$T"
                fi
                mkdir -p "$T/rw"
                mount --bind "$U" "$T/rw"
                export OVERLAYBOOT_ROOT="$T" OVERLAYBOOT_RUNDIR="$W/run" OVERLAYBOOT_FILL_HOOK="$W/bin/hook" PATH="$W/bin:$PATH"
                for percent in "$@"; do
                    rm -f "$T/fill"
                    dd if=/dev/zero of="$T/fill" bs=4096 count=$((percent * 1024 / 100)) 2>/dev/null
                    printf 'step %s\\n' "$percent" >> "$LOG"
                    $SH "$SCRIPT"
                    if [ -e "$W/run/fill-message" ]; then printf 'message %s\\n' "$(cat "$W/run/fill-message")" >> "$LOG"; fi
                done
                """);
        List<String> command = new ArrayList<>(List.of("unshare", "-m", "--propagation", "private", "sh", "-c", s.toString(), "sh",
                work.toString(), shell, script.toString(), union ? "1" : "0", upperType));
        for (int step : steps) {
            command.add(Integer.toString(step));
        }
        Exec.Result r = Exec.run(command, Duration.ofSeconds(60));
        assertThat(r.exitCode()).as(r.stdout() + r.stderr()).isZero();
        return Files.readString(work.resolve("log")).replace(work.resolve("root").toString(), "ROOT");
    }

    @ParameterizedTest
    @ValueSource(strings = {"dash", "bash --posix"})
    void oneMessagePerCrossingAndTheActionOnceAtCritical(String shell) throws IOException {
        Path script = script(Map.of());
        Files.writeString(Files.createDirectories(work.resolve("run")).resolve("state"),
                "status=protected\nfill_warn=80\nfill_critical=95\nfill_action=command\n");
        String warn = "logger -t overlayboot -p user.warning -- overlayboot: WARNING: the upper layer ROOT/rw is %d%% full"
                + " (fill_warn=80%%): writes fail when it is full; 'overlayboot diff' shows what fills it\n";
        String crit = "overlayboot: CRITICAL: the upper layer ROOT/rw is %d%% full (fill_critical=95%%): writes fail when it is"
                + " full; reboot to empty it, or keep changes with 'overlayboot commit'";
        String message = "message overlayboot: the upper layer ROOT/rw is %d%% full (warning at 80%%, critical at 95%%)\n";
        assertThat(run(shell, script, true, 50, 85, 90, 96, 99, 10, 85, 97)).isEqualTo(
                "step 50\n"
                + "step 85\n" + warn.formatted(85) + "wall " + warn.formatted(85).substring(warn.indexOf("overlayboot: WARNING"))
                + message.formatted(85)
                + "step 90\n" + message.formatted(90)
                + "step 96\n" + "logger -t overlayboot -p user.crit -- " + crit.formatted(96) + "\n" + "wall " + crit.formatted(96) + "\n"
                + "hook 96\n" + message.formatted(96)
                + "step 99\n" + message.formatted(99)
                + "step 10\n" + "logger -t overlayboot -p user.notice -- overlayboot: the upper layer ROOT/rw is back under fill_warn"
                + " (10% full)\n"
                + "step 85\n" + warn.formatted(85) + "wall " + warn.formatted(85).substring(warn.indexOf("overlayboot: WARNING"))
                + message.formatted(85)
                + "step 97\n" + "logger -t overlayboot -p user.crit -- " + crit.formatted(97) + "\n" + "wall " + crit.formatted(97) + "\n"
                + "hook 97\n" + message.formatted(97));
        assertThat(work.resolve("run/fill")).hasContent("level=2\npercent=97");
    }

    @Test
    void theRenderedThresholdsAndRebootWithoutABootRecordAndStraightToCriticalIsOneMessage() throws IOException {
        Path script = script(Map.of("fill_warn", "50", "fill_critical", "70", "fill_action", "reboot"));
        String log = run("dash", script, true, 75, 80);
        assertThat(log.lines().filter(l -> l.startsWith("logger") || l.startsWith("wall") || l.startsWith("systemctl")).toList())
                .containsExactly(
                        "logger -t overlayboot -p user.crit -- overlayboot: CRITICAL: the upper layer ROOT/rw is 75% full"
                                + " (fill_critical=70%): writes fail when it is full; reboot to empty it, or keep changes with"
                                + " 'overlayboot commit'",
                        "wall overlayboot: CRITICAL: the upper layer ROOT/rw is 75% full (fill_critical=70%): writes fail when it"
                                + " is full; reboot to empty it, or keep changes with 'overlayboot commit'",
                        "logger -t overlayboot -p user.crit -- overlayboot: rebooting (fill_action=reboot) to start with an empty"
                                + " upper layer",
                        "systemctl reboot");
    }

    @Test
    void rebootIsNotTheActionWhenTheUpperIsADeviceThatARebootDoesNotEmpty() throws IOException {
        Path script = script(Map.of("fill_warn", "10", "fill_critical", "20", "fill_action", "reboot"));
        String log = run("dash", script, true, "ext4", 80);
        assertThat(log.lines().filter(l -> l.startsWith("logger") || l.startsWith("systemctl")).toList())
                .anyMatch(l -> l.startsWith("logger -t overlayboot -p user.crit -- overlayboot: CRITICAL: the upper layer ROOT/rw"))
                .contains("logger -t overlayboot -p user.crit -- overlayboot: not rebooting (fill_action=reboot): the upper layer"
                        + " ROOT/rw is on a device (ext4), which a reboot does not empty")
                .noneMatch(l -> l.startsWith("systemctl"));
    }

    @Test
    void nothingHappensWhenTheRootIsNotAUnion() throws IOException {
        Path script = script(Map.of());
        assertThat(run("dash", script, false, 99)).isEqualTo("step 99\n");
        assertThat(work.resolve("run/fill")).doesNotExist();
    }
}

package io.overlayboot.schedule;

import io.overlayboot.core.ExitCode;
import io.overlayboot.core.OverlaybootException;
import io.overlayboot.files.ChangeRecord;
import io.overlayboot.maintain.Durable;
import io.overlayboot.sys.Exec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * {@code overlayboot schedule}: the maintenance window. A systemd timer on the lower layer (or the
 * target tree) starts a oneshot service at the calendar time that runs
 * {@code overlayboot upgrade --reboot-if-needed MINUTES}: the updates go into the lower, and the
 * machine reboots (after {@code shutdown}'s wall warning to logged-in users) only when the upgrade
 * needs it and the next boot protects. Three entries under {@code /etc/systemd/system} (the two
 * units and the {@code timers.target.wants} link that {@code systemctl enable} would make), each
 * recorded in a {@link ChangeRecord} so that {@code schedule --off} puts every byte back.
 */
public final class Window {
    static final String UNIT = "overlayboot-upgrade";
    static final String SERVICE = "etc/systemd/system/" + UNIT + ".service";
    static final String TIMER = "etc/systemd/system/" + UNIT + ".timer";
    static final String WANTS = "etc/systemd/system/timers.target.wants/" + UNIT + ".timer";
    static final String RECORD = "var/lib/overlayboot/schedule.json";
    /** Where the Debian package puts the command (packaging/build-deb.sh). */
    static final String COMMAND = "/usr/bin/overlayboot";

    /**
     * The window after a run.
     *
     * @param root the directory changed (the lower layer on a protected machine)
     * @param lower true when it was the lower layer, through a maintenance session
     * @param calendar the normalized calendar spec; null when no window is set
     * @param warnMinutes minutes of warning before a reboot; null when no window is set
     * @param changes each file touched, as {@code create|change|remove PATH}
     * @param commands the systemctl commands run on the running system, or to run
     */
    public record Outcome(Path root, boolean lower, String calendar, Integer warnMinutes, List<String> changes,
            List<String> commands) {
        public Outcome {
            changes = List.copyOf(changes);
            commands = List.copyOf(commands);
        }
    }

    private Window() {}

    /** Refuses minutes outside 0..1440 ({@link ExitCode#USAGE}). */
    public static int checkMinutes(int minutes) {
        if (minutes < 0 || minutes > 1440) {
            throw new OverlaybootException(ExitCode.USAGE, "--warn-minutes " + minutes + " is not a number of minutes from 0 to 1440",
                    "for example --warn-minutes 10 (0: reboot without warning)");
        }
        return minutes;
    }

    /** Installs (or changes) the window at {@code spec}, warning {@code warnMinutes} ahead of a reboot. */
    public static Outcome on(Durable place, String spec, int warnMinutes, Consumer<String> progress) {
        checkMinutes(warnMinutes);
        requireSystemd(place);
        String calendar = Calendar.normalize(place, spec);
        List<ChangeRecord.Wanted> wanted = List.of(ChangeRecord.Wanted.file(SERVICE, service(warnMinutes), 0644),
                ChangeRecord.Wanted.file(TIMER, timer(calendar, spec), 0644),
                ChangeRecord.Wanted.link(WANTS, "/" + TIMER));
        List<String> changes = ChangeRecord.apply(place.root(), RECORD,
                Map.of("calendar", calendar, "warnMinutes", Integer.toString(warnMinutes)), wanted, place::show);
        if (!Files.isExecutable(place.resolve(COMMAND.substring(1)))) {
            progress.accept("warning: the timer runs " + COMMAND + ", which " + place.show("") + " does not have yet"
                    + " (install the overlayboot package there)");
        }
        progress.accept("maintenance window: " + calendar + ": overlayboot upgrade, then a reboot if needed after a "
                + warnMinutes + " min warning");
        List<String> commands = changes.isEmpty() ? List.of()
                : systemctl(place, List.of(List.of("daemon-reload"), List.of("restart", UNIT + ".timer")), progress);
        return new Outcome(place.root(), place.inSession(), calendar, warnMinutes, changes, commands);
    }

    /** Removes the window, byte for byte; {@code force} also over units changed since. */
    public static Outcome off(Durable place, boolean force, Consumer<String> progress) {
        if (ChangeRecord.load(place.root(), RECORD, place::show).isEmpty()) {
            progress.accept("no maintenance window is set in " + place.show("") + " (no " + place.show(RECORD) + "): nothing to do");
            return new Outcome(place.root(), place.inSession(), null, null, List.of(), List.of());
        }
        List<String> commands = new ArrayList<>(systemctl(place, List.of(List.of("stop", UNIT + ".timer")), progress));
        List<String> changes = ChangeRecord.undo(place.root(), RECORD, force, place::show);
        commands.addAll(systemctl(place, List.of(List.of("daemon-reload")), progress));
        progress.accept("maintenance window removed");
        return new Outcome(place.root(), place.inSession(), null, null, changes, commands);
    }

    /** The window set now, from the record; empty calendar when none. */
    public static Outcome show(Durable place) {
        Optional<ChangeRecord> r = ChangeRecord.load(place.root(), RECORD, place::show);
        return new Outcome(place.root(), place.inSession(), r.map(c -> c.values().get("calendar")).orElse(null),
                r.map(c -> Integer.valueOf(c.values().get("warnMinutes"))).orElse(null), List.of(), List.of());
    }

    private static void requireSystemd(Durable place) {
        if (!Files.isDirectory(place.resolve("etc/systemd/system"))) {
            throw OverlaybootException.environment(place.show("etc/systemd/system") + " does not exist: the maintenance window is a"
                    + " systemd timer, and " + place.show("") + " does not run systemd",
                    "run 'overlayboot upgrade' from cron instead, e.g. 0 3 * * 0 root overlayboot upgrade --reboot-if-needed 10");
        }
    }

    /** Runs {@code systemctl ARGS} on the running system when systemd runs it; otherwise nothing (a tree: its next boot reads the units). */
    private static List<String> systemctl(Durable place, List<List<String>> calls, Consumer<String> progress) {
        if (!place.running() || !Files.isDirectory(Path.of("/run/systemd/system"))) {
            return List.of();
        }
        List<String> shown = new ArrayList<>();
        for (List<String> args : calls) {
            List<String> argv = new ArrayList<>(List.of("systemctl"));
            argv.addAll(args);
            shown.add(String.join(" ", argv));
            Exec.Result r = Exec.run(argv, Duration.ofMinutes(1));
            if (!r.ok()) {
                progress.accept("warning: '" + String.join(" ", argv) + "' failed (" + r.stderr().strip().replace('\n', ' ')
                        + "); the units are in place for the next boot");
            }
        }
        return shown;
    }

    static String service(int warnMinutes) {
        return """
                # overlayboot schedule: the maintenance window's job (the timer starts it). Installs updates into
                # the lower layer and reboots only when they need it and the next boot protects, after warning
                # logged-in users %d min ahead (shutdown -r +%d; cancel with shutdown -c). Skipped on a boot that
                # is not protected (no /ro). Removed by 'overlayboot schedule --off'.
                [Unit]
                Description=overlayboot maintenance window: upgrade the lower layer, reboot if needed
                Wants=network-online.target
                After=network-online.target
                ConditionPathIsMountPoint=/ro

                [Service]
                Type=oneshot
                ExecStart=%s upgrade --reboot-if-needed %d
                TimeoutStartSec=3h
                """.formatted(warnMinutes, warnMinutes, COMMAND, warnMinutes);
    }

    static String timer(String calendar, String given) {
        return """
                # overlayboot schedule: the maintenance window, '%s' (as given: '%s').
                # Persistent=false: a window missed while the machine was off is not caught up at boot.
                # Removed by 'overlayboot schedule --off'.
                [Unit]
                Description=overlayboot maintenance window (%s)

                [Timer]
                OnCalendar=%s
                Persistent=false
                AccuracySec=1min

                [Install]
                WantedBy=timers.target
                """.formatted(calendar, given, calendar, calendar);
    }
}

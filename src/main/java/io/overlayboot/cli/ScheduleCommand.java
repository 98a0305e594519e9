package io.overlayboot.cli;

import io.overlayboot.core.ExitCode;
import io.overlayboot.core.Json;
import io.overlayboot.core.OverlaybootException;
import io.overlayboot.maintain.Durable;
import io.overlayboot.schedule.Window;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code overlayboot schedule 'Sun 03:00'}: a maintenance window that upgrades the lower layer and reboots only when needed. */
@Command(name = "schedule", mixinStandardHelpOptions = true,
        description = {"Set or remove the maintenance window (timed upgrades).",
            "The window is a timer that runs 'overlayboot upgrade'.",
            "At WHEN (systemd calendar syntax, checked with systemd-analyze calendar) a systemd timer starts",
            "'overlayboot upgrade --reboot-if-needed MINUTES': updates go into the lower layer, and only when they need a",
            "reboot (and the next boot protects) the machine reboots, after warning logged-in users MINUTES ahead.",
            "On a protected machine the units are written to the lower layer (/ro) in a maintenance session.",
            "Without WHEN: show the window. --off removes it byte for byte. Root only for changes.",
            "Exit 3 for a spec systemd does not take, 4 when the target has no systemd or systemd-analyze."})
final class ScheduleCommand implements Subcommand {
    @Parameters(paramLabel = "WHEN", arity = "0..1", description = "When, e.g. 'Sun 03:00', 'Mon..Fri 22:30', 'daily' (systemd.time(7)).")
    private String when;

    @Option(names = "--off", description = "Remove the window: put back every byte it changed.")
    private boolean off;

    @Option(names = "--warn-minutes", paramLabel = "MINUTES", defaultValue = "10",
            description = "Warn logged-in users this long before a reboot (default: ${DEFAULT-VALUE}; 0: no warning).")
    private int warnMinutes;

    @Option(names = "--force", description = "With --off: put the old bytes back even over units changed since.")
    private boolean force;

    @Mixin
    private LowerTargetMixin target;

    @Mixin
    private JsonOption json;

    @Override
    public Rendered run(Output out) {
        if (off && when != null) {
            throw new OverlaybootException(ExitCode.USAGE, "--off takes no time, but got '" + when + "'",
                    "run 'overlayboot schedule --off' alone");
        }
        Window.checkMinutes(warnMinutes);
        Window.Outcome outcome;
        if (when == null && !off) {
            try (Durable place = Durable.tree(target.root())) {
                outcome = Window.show(place);
            }
        } else {
            Durable.requireRoot("schedule");
            try (Durable place = Durable.open(target.root(), target.mounts(), out::note)) {
                outcome = off ? Window.off(place, force, out::note)
                        : Window.on(place, when, warnMinutes, out::note);
            }
        }
        Window.Outcome o = outcome;
        List<String> lines = new ArrayList<>(o.changes());
        lines.add(o.calendar() == null ? "maintenance window: none"
                : "maintenance window: " + o.calendar() + " (upgrade; reboot if needed after a " + o.warnMinutes() + " min warning)");
        return Rendered.lines(lines, () -> Json.object("root", o.root().toString(), "lower", o.lower(), "calendar", o.calendar(),
                "warnMinutes", o.warnMinutes(), "changes", o.changes(), "commands", o.commands()));
    }
}

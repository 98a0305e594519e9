package io.overlayboot.schedule;

import io.overlayboot.core.ExitCode;
import io.overlayboot.core.OverlaybootException;
import io.overlayboot.maintain.Durable;
import io.overlayboot.sys.Exec;
import io.overlayboot.sys.ExecException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A systemd calendar spec ({@code OnCalendar=}, systemd.time(7)), checked and normalized by
 * {@code systemd-analyze calendar}: the target's own when it has one (its systemd parses the
 * timer), else the running system's; without either it is refused, since overlayboot does not
 * parse the syntax itself.
 */
final class Calendar {
    private static final Pattern NORMALIZED = Pattern.compile("(?m)^\\s*Normalized form: (.+)$");

    private Calendar() {}

    /** The normalized form of {@code spec}; refused with {@link ExitCode#BAD_INPUT} when systemd does not take it. */
    static String normalize(Durable place, String spec) {
        if (spec.isBlank() || spec.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw OverlaybootException.badInput("The calendar spec '" + spec.replaceAll("\\p{Cntrl}", "?")
                    + "' is empty or holds a control character", "give one line of systemd calendar syntax, e.g. 'Sun 03:00'");
        }
        List<String> command;
        if (place.hasTool("systemd-analyze")) {
            command = place.inside(List.of("systemd-analyze", "calendar", spec));
        } else if (hostTool().isPresent()) {
            command = List.of(hostTool().get().toString(), "calendar", spec);
        } else {
            throw OverlaybootException.environment("No systemd-analyze in " + place.show("") + " or on this machine to check the"
                    + " calendar spec '" + spec + "'", "install systemd in the target (the window is a systemd timer)");
        }
        Exec.Result r;
        try {
            r = Exec.command(command, Duration.ofSeconds(30)).env(java.util.Map.of("LC_ALL", "C")).run();
        } catch (ExecException e) {
            throw new OverlaybootException(ExitCode.EXTERNAL_FAILURE, "Cannot run systemd-analyze: " + e.getMessage(), null, e);
        }
        Matcher m = NORMALIZED.matcher(r.stdout());
        if (!r.ok() || !m.find()) {
            throw OverlaybootException.badInput("'" + spec + "' is not a systemd calendar spec: "
                    + (r.stderr() + r.stdout()).strip().replace('\n', ' '),
                    "see systemd.time(7), 'CALENDAR EVENTS'; e.g. 'Sun 03:00', 'Mon..Fri 22:30', 'daily'");
        }
        return m.group(1).strip();
    }

    private static java.util.Optional<Path> hostTool() {
        return java.util.stream.Stream.of("/usr/bin/systemd-analyze", "/bin/systemd-analyze").map(Path::of)
                .filter(Files::isExecutable).findFirst();
    }
}

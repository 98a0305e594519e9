package io.overlayboot.cli;

import io.overlayboot.core.ExitCode;
import io.overlayboot.core.Json;
import io.overlayboot.core.OverlaybootException;
import io.overlayboot.guard.CheckReport;
import io.overlayboot.maintain.Layout;
import io.overlayboot.maintain.Upgrade;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code overlayboot upgrade}: install updates into the lower layer of a protected machine, so they survive reboots. */
@Command(name = "upgrade", mixinStandardHelpOptions = true,
        description = {"Install updates into the lower layer, so they survive reboots.",
            "In a maintenance session: apt-get update, apt-get -y upgrade (DEBIAN_FRONTEND=noninteractive, changed",
            "conffiles kept), the initrd generator and update-grub, all chrooted into /ro; then the next-boot check,",
            "and whether a reboot is needed to run the new software. The running RAM layer is not touched.",
            "Exit 0 when the next boot protects, 1 when it will not, 7 when it cannot tell; 5 when a step failed,",
            "4 when / is not protected (run apt-get directly), 6 when a maintenance session is open."})
final class UpgradeCommand implements Subcommand {
    @Option(names = "--dist-upgrade", description = "apt-get dist-upgrade: also install new dependencies and remove packages.")
    private boolean distUpgrade;

    @Option(names = {"--apt-option", "--apt-options"}, paramLabel = "KEY=VALUE",
            description = "An apt option for both apt-get calls, passed as -o KEY=VALUE (repeatable).")
    private List<String> aptOptions = new ArrayList<>();

    @Option(names = "--reboot-if-needed", paramLabel = "MINUTES",
            description = "When a reboot is needed and the next boot protects: shutdown -r +MINUTES, which warns logged-in"
                    + " users (0: at once). Used by the maintenance window ('schedule').")
    private Integer rebootMinutes;

    @Mixin
    private RunningSystemMixin system;

    @Mixin
    private JsonOption json;

    @Override
    public Rendered run(Output out) {
        if (rebootMinutes != null && (rebootMinutes < 0 || rebootMinutes > 1440)) {
            throw new OverlaybootException(ExitCode.USAGE, "--reboot-if-needed " + rebootMinutes
                    + " is not a number of minutes from 0 to 1440", "for example --reboot-if-needed 10");
        }
        Upgrade.Options options = new Upgrade.Options(distUpgrade, aptOptions);
        Layout layout = Layout.of(system.root(), system.mounts());
        // apt's own output streams as it runs (to stderr with --json: stdout then carries the document alone);
        // the verdict follows it
        Upgrade.Outcome outcome = Upgrade.run(layout, options, line -> out.progress("overlayboot: upgrade: " + line), line -> {
            var to = out.json() ? out.err() : out.out();
            to.println(line);
            to.flush();
        });
        Upgrade.Reboot reboot = Upgrade.rebootIfNeeded(layout, outcome, rebootMinutes,
                line -> out.progress("overlayboot: upgrade: " + line));
        List<String> lines = new ArrayList<>(CheckReport.lines(outcome.nextBoot()));
        if (outcome.rebootReasons().isEmpty()) {
            lines.add("reboot: not needed");
        } else {
            outcome.rebootReasons().forEach(r -> lines.add("reboot: needed: " + r));
        }
        return Rendered.lines(lines, () -> Json.object("nextBoot", CheckReport.json(outcome.nextBoot()),
                        "rebootNeeded", !outcome.rebootReasons().isEmpty(), "rebootReasons", outcome.rebootReasons(),
                        "reboot", reboot.jsonName()))
                .exit(CheckCommand.exitCode(outcome.nextBoot().outcome()));
    }
}

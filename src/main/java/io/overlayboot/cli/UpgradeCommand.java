package io.overlayboot.cli;

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

    @Mixin
    private RunningSystemMixin system;

    @Override
    public Rendered run(Output out) {
        Upgrade.Options options = new Upgrade.Options(distUpgrade, aptOptions);
        // apt's own output streams to stdout as it runs; the verdict follows it
        Upgrade.Outcome outcome = Upgrade.run(Layout.of(system.root(), system.mounts()), options,
                line -> out.progress("overlayboot: upgrade: " + line), line -> {
                    out.line(line);
                    out.out().flush();
                });
        List<String> lines = new ArrayList<>(CheckReport.lines(outcome.nextBoot()));
        if (outcome.rebootReasons().isEmpty()) {
            lines.add("reboot: not needed");
        } else {
            outcome.rebootReasons().forEach(r -> lines.add("reboot: needed: " + r));
        }
        return Rendered.lines(lines).exit(CheckCommand.exitCode(outcome.nextBoot().outcome()));
    }
}

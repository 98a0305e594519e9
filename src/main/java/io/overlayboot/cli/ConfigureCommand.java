package io.overlayboot.cli;

import io.overlayboot.core.ExitCode;
import io.overlayboot.core.OverlaybootException;
import io.overlayboot.install.Apply;
import io.overlayboot.install.Planner;
import io.overlayboot.install.SettingsChange;
import io.overlayboot.settings.Settings;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code overlayboot configure KEY=VALUE...}: change the settings of an installed target. */
@Command(name = "configure", mixinStandardHelpOptions = true,
        description = {
            "Change the settings of an installed overlayboot.",
            "For example size=25%% swap=1 mode=device dev=LABEL=data: rewrites the config and GRUB parameter, and"
                    + " re-runs update-initramfs / update-grub as needed.",
            "KEY is a boot option name (as in /etc/overlayboot.conf); an empty VALUE goes back to the default.",
            "sysctl=NAME=VALUE sets a sysctl setting, sysctl=NAME= drops it."
        })
final class ConfigureCommand implements Subcommand {
    @Parameters(arity = "0..*", paramLabel = "KEY=VALUE", description = "Settings to change.")
    private List<String> assignments = new ArrayList<>();

    @Option(names = "--persist", paramLabel = "PERSIST",
            description = "Set persist= to these entries (repeatable; docs/persist.md); the same as persist='A B'.")
    private List<String> persist = new ArrayList<>();

    @Mixin
    private TargetOptions target;

    @Override
    public Rendered run(Output out) {
        List<String> all = new ArrayList<>(assignments);
        if (!persist.isEmpty()) {
            all.add(Settings.PERSIST.name() + "=" + String.join(" ", persist));
        }
        if (all.isEmpty()) {
            throw new OverlaybootException(ExitCode.USAGE, "Nothing to change",
                    "name settings like size=25%, or --persist PATH");
        }
        SettingsChange change = SettingsChange.parse(all);
        return target.apply(out, ctx -> new Apply(ctx).run(Planner.configure(change)));
    }
}

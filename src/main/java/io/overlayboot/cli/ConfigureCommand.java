package io.overlayboot.cli;

import io.overlayboot.core.ExitCode;
import io.overlayboot.core.OverlaybootException;
import io.overlayboot.install.Apply;
import io.overlayboot.install.Planner;
import io.overlayboot.install.RunContext;
import io.overlayboot.install.SettingsChange;
import io.overlayboot.render.Sysctl;
import io.overlayboot.settings.Persist;
import io.overlayboot.settings.Setting;
import io.overlayboot.settings.Settings;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
    private List<String> assignments = new java.util.ArrayList<>();

    @Option(names = "--persist", paramLabel = "PERSIST",
            description = "Set persist= to these entries (repeatable; docs/persist.md); the same as persist='A B'.")
    private List<String> persist = new java.util.ArrayList<>();

    @Mixin
    private TargetOptions target;

    @Mixin
    private JsonOption json;

    @Override
    public Rendered run(Output out) {
        Map<Setting, String> settings = new LinkedHashMap<>();
        Map<String, String> sysctl = new LinkedHashMap<>();
        List<String> all = new java.util.ArrayList<>(assignments);
        if (!persist.isEmpty()) {
            all.add(Settings.PERSIST.name() + "=" + String.join(" ", persist));
        }
        if (all.isEmpty()) {
            throw new OverlaybootException(ExitCode.USAGE, "Nothing to change",
                    "name settings like size=25%, or --persist PATH");
        }
        for (String a : all) {
            int eq = a.indexOf('=');
            if (eq <= 0) {
                throw OverlaybootException.badInput("Bad setting '" + a + "': not KEY=VALUE", "write it like size=25%");
            }
            String key = a.substring(0, eq);
            String value = a.substring(eq + 1);
            if (key.equals("sysctl")) {
                int eq2 = value.indexOf('=');
                if (eq2 <= 0) {
                    throw OverlaybootException.badInput("Bad setting '" + a + "': expected sysctl=NAME=VALUE",
                            "write it like sysctl=vm.swappiness=10");
                }
                sysctl.put(value.substring(0, eq2), value.substring(eq2 + 1));
                continue;
            }
            Setting setting = Settings.byName(key).orElseThrow(() -> OverlaybootException.badInput(
                    "Unknown setting '" + key + "' in '" + a + "'", "known settings: "
                            + String.join(" ", Settings.ALL.stream().map(Setting::name).toList()) + " sysctl"));
            if (setting == Settings.PERSIST) {
                Persist.firstProblem(value).ifPresent(problem -> {
                    throw OverlaybootException.badInput("Bad persist entry " + problem,
                            "persist absolute paths like /var/lib/foo, or presets: " + Persist.presetNames());
                });
            }
            if (!value.isEmpty() && !setting.kind().accepts(value)) {
                throw OverlaybootException.badInput("Bad value '" + value + "' for " + key, "expected " + setting.kind().expected());
            }
            settings.put(setting, value);
        }
        // The last assignment of a key wins; an empty value drops the sysctl.
        List<Sysctl> set = sysctl.entrySet().stream().filter(e -> !e.getValue().isEmpty())
                .map(e -> new Sysctl(e.getKey().strip(), e.getValue().strip())).toList();
        List<String> dropped = sysctl.entrySet().stream().filter(e -> e.getValue().isEmpty()).map(Map.Entry::getKey).toList();
        RunContext ctx = target.context(out);
        return TargetOptions.rendered(ctx, new Apply(ctx).run(Planner.configure(new SettingsChange(settings, set, dropped))));
    }
}

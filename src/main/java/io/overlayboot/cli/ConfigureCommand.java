package io.overlayboot.cli;

import io.overlayboot.core.OverlaybootException;
import io.overlayboot.core.ExitCode;
import io.overlayboot.install.Installer;
import io.overlayboot.install.Result;
import io.overlayboot.install.RunContext;
import io.overlayboot.settings.Setting;
import io.overlayboot.settings.Settings;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code overlayboot configure KEY=VALUE...}: change the settings of an installed target. */
@Command(name = "configure", mixinStandardHelpOptions = true,
        description = {
            "Change the settings of an installed overlayboot.",
            "For example size=25%% swap=1 mode=device dev=LABEL=data: rewrites the config and GRUB parameter, and"
                    + " re-runs update-initramfs / update-grub as needed.",
            "KEY is a boot option name (as in /etc/overlayboot.conf); an empty VALUE goes back to the default.",
            "sysctl=NAME=VALUE sets a sysctl setting, sysctl=NAME= drops it."
        })
final class ConfigureCommand implements Callable<Integer> {
    @Parameters(arity = "1..*", paramLabel = "KEY=VALUE", description = "Settings to change.")
    private List<String> assignments;

    @Mixin
    private TargetOptions target;

    @Mixin
    private JsonOption json;

    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() {
        Map<String, String> changes = new LinkedHashMap<>();
        Map<String, String> sysctl = new LinkedHashMap<>();
        for (String a : assignments) {
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
            if (!value.isEmpty() && !setting.kind().accepts(value)) {
                throw OverlaybootException.badInput("Bad value '" + value + "' for " + key, "expected " + setting.kind().expected());
            }
            changes.put(key, value);
        }
        RunContext ctx = target.context(spec, json.enabled());
        Result result = new Installer(ctx).configure(changes, sysctl);
        if (json.enabled()) {
            TargetOptions.printJson(spec, ctx.target().root(), result);
        }
        return ExitCode.OK.code();
    }
}

package io.overlayboot.install;

import io.overlayboot.core.OverlaybootException;
import io.overlayboot.render.Sysctl;
import io.overlayboot.settings.Persist;
import io.overlayboot.settings.Setting;
import io.overlayboot.settings.Settings;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code configure} changes on an installed target.
 *
 * @param settings new values by setting; an empty value goes back to the default
 * @param sysctl sysctl settings to add or give a new value
 * @param droppedSysctl sysctl keys to drop; none of them is also in {@code sysctl}
 */
public record SettingsChange(Map<Setting, String> settings, List<Sysctl> sysctl, List<String> droppedSysctl) {
    public SettingsChange {
        settings = Collections.unmodifiableMap(new LinkedHashMap<>(settings));
        sysctl = List.copyOf(sysctl);
        droppedSysctl = List.copyOf(droppedSysctl);
    }

    /**
     * The change {@code configure}'s {@code KEY=VALUE} words ask for: {@code KEY} a setting's name
     * (an empty value goes back to the default), or {@code sysctl=NAME=VALUE} ({@code sysctl=NAME=}
     * drops it). The last word for a key wins. Every value is checked here, where it enters.
     */
    public static SettingsChange parse(List<String> assignments) {
        Map<Setting, String> settings = new LinkedHashMap<>();
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
        List<Sysctl> set = sysctl.entrySet().stream().filter(e -> !e.getValue().isEmpty())
                .map(e -> new Sysctl(e.getKey().strip(), e.getValue().strip())).toList();
        List<String> dropped = sysctl.entrySet().stream().filter(e -> e.getValue().isEmpty()).map(Map.Entry::getKey).toList();
        return new SettingsChange(settings, set, dropped);
    }
}

package io.overlayboot.render;

import io.overlayboot.core.OverlaybootException;
import io.overlayboot.settings.Persist;
import io.overlayboot.settings.Setting;
import io.overlayboot.settings.Settings;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What to render: the boot options the user chose (the rest keep their defaults), the sysctl
 * settings asked for, and whether to write the GRUB drop-in.
 *
 * @param chosen the value of each setting the user set explicitly (the others keep their defaults), in
 *     the order given; every value is checked against its setting's {@link io.overlayboot.settings.Kind}
 * @param sysctl sysctl settings for {@code etc/sysctl.d/90-overlayboot.conf}; none, no file
 * @param grub whether to write {@code etc/default/grub.d/overlayboot.cfg}
 */
public record RenderRequest(Map<Setting, String> chosen, List<Sysctl> sysctl, boolean grub) {
    public RenderRequest {
        chosen = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(chosen));
        sysctl = List.copyOf(sysctl);
        chosen.forEach((setting, value) -> {
            if (setting == Settings.PERSIST) {
                Persist.firstProblem(value).ifPresent(problem -> {
                    throw OverlaybootException.badInput("Bad --persist entry " + problem,
                            "persist absolute paths like /var/lib/foo, or presets: " + Persist.presetNames());
                });
            }
            if (!setting.kind().accepts(value)) {
                throw OverlaybootException.badInput("Bad value '" + value + "' for " + setting.cliFlag(),
                        "expected " + setting.kind().expected());
            }
        });
        if ("device".equals(chosen.get(Settings.MODE)) && !chosen.containsKey(Settings.DEV)) {
            throw OverlaybootException.badInput("--mode device needs --dev",
                    "name the upper device, e.g. --dev LABEL=overlay");
        }
    }

    /**
     * A request from settings named as on the kernel command line and in the config file
     * ({@code size}, {@code mode}, ...); an unknown name is refused like a bad value.
     */
    public static RenderRequest of(Map<String, String> byName, List<Sysctl> sysctl, boolean grub) {
        Map<Setting, String> chosen = new LinkedHashMap<>();
        byName.forEach((name, value) -> chosen.put(Settings.byName(name).orElseThrow(() -> OverlaybootException.badInput(
                "Unknown boot option '" + name + "'", "see 'overlayboot render --help' for the list")), value));
        return new RenderRequest(chosen, sysctl, grub);
    }

    /** The defaults: protection switched on by {@code aufs=tmpfs} from the GRUB drop-in. */
    public static RenderRequest defaults() {
        return new RenderRequest(Map.of(), List.of(), true);
    }

    /** The effective value of a setting: the chosen one, else its default. */
    public String value(Setting setting) {
        return chosen.getOrDefault(setting, setting.defaultValue());
    }

    /**
     * The kernel parameter the GRUB drop-in adds: {@code aufs=DEV} when a device was chosen (by
     * {@code --dev} or {@code --mode device}), else {@code aufs=tmpfs}. Every other option lives in the
     * config file, so the command line stays short and the seed's parameter keeps working.
     */
    public String kernelParameter() {
        boolean device = "device".equals(chosen.get(Settings.MODE))
                || (chosen.containsKey(Settings.DEV) && !"tmpfs".equals(chosen.get(Settings.MODE)));
        return device ? "aufs=" + chosen.get(Settings.DEV) : "aufs=tmpfs";
    }
}

package io.overlayboot.runtime;

import io.overlayboot.settings.BootParameters;
import io.overlayboot.settings.Resolution;
import io.overlayboot.settings.Setting;
import io.overlayboot.settings.Settings;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The settings in force on the running system and where each came from. The value is the one the
 * boot recorded in {@code /run/overlayboot/state} (what the boot used), else the one the kernel
 * command line and the config file give now. Its source is the first that gives that value, in
 * the order the boot lets them win: the kernel command line, the config file, the settings
 * table's default; {@code boot} when the boot used a value neither gives any more (the config
 * file was edited since).
 */
public final class Parameters {
    private Parameters() {}

    /** Where a value came from. */
    public enum Source {
        CMDLINE("cmdline"), CONFIG("config"), DEFAULT("default"), BOOT("boot");

        private final String label;

        Source(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    /**
     * One setting in force.
     *
     * @param name the setting's name (as on the kernel command line and in the config file)
     * @param value its value
     * @param source where it came from
     */
    public record Parameter(String name, String value, Source source) {}

    /**
     * The settings in force, in the settings table's order.
     *
     * @param state the boot's record (empty when there is none)
     * @param cmdline the kernel command line ({@code /proc/cmdline})
     * @param config the text of {@code /etc/overlayboot.conf}
     */
    public static List<Parameter> inForce(Map<String, String> state, String cmdline, String config) {
        Resolution both = BootParameters.resolve(cmdline, config);
        Resolution fromCmdline = BootParameters.resolve(cmdline, "");
        Resolution fromConfig = BootParameters.resolve("", config);
        List<Parameter> list = new ArrayList<>();
        for (Setting s : Settings.ALL) {
            String value = state.getOrDefault(s.name(), both.get(s));
            Source source;
            if (value.equals(fromCmdline.get(s)) && !value.equals(s.defaultValue())) {
                source = Source.CMDLINE;
            } else if (value.equals(fromConfig.get(s)) && !value.equals(s.defaultValue())) {
                source = Source.CONFIG;
            } else if (value.equals(s.defaultValue())) {
                source = Source.DEFAULT;
            } else {
                source = Source.BOOT;
            }
            list.add(new Parameter(s.name(), value, source));
        }
        return list;
    }
}

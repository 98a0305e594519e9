package io.overlayboot.settings;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a boot will do, decided from the kernel command line and the config file before anything
 * is mounted.
 *
 * @param active whether the root is to be protected
 * @param values every setting's effective value, in {@link Settings#ALL} order; {@code mode} is
 *     {@code tmpfs}, {@code device}, {@code disabled} or empty (no request)
 * @param warnings one console line per bad or unknown input, in the order met
 */
public record Resolution(boolean active, Map<String, String> values, List<String> warnings) {
    public Resolution {
        values = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(values));
        warnings = List.copyOf(warnings);
    }

    public String get(Setting setting) {
        return values.get(setting.name());
    }

    /**
     * The resolution as the plan lines both boot paths print ({@code --plan} of the helper,
     * {@code OVERLAYBOOT_PLAN=1} of the script): warnings first, then {@code active=}, then each
     * setting as {@code name=value}.
     */
    public List<String> planLines() {
        List<String> lines = new ArrayList<>();
        warnings.forEach(w -> lines.add("warning: " + w));
        lines.add("active=" + (active ? 1 : 0));
        values.forEach((k, v) -> lines.add(k + "=" + v));
        return lines;
    }
}

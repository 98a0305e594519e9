package io.overlayboot.install;

import io.overlayboot.render.Sysctl;
import io.overlayboot.settings.Setting;
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
}

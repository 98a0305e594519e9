package io.overlayboot.helper;

import io.overlayboot.settings.Resolution;
import io.overlayboot.settings.Settings;
import java.util.ArrayList;
import java.util.List;

/**
 * What a boot will do, as data: the resolved settings and the paths every step works on. Its
 * {@link #lines()} are the plan both boot paths print (the conformance contract with the shell
 * script's {@code OVERLAYBOOT_PLAN=1} mode).
 *
 * @param resolution the settings resolved from the kernel command line and the config file
 * @param rootmnt where the initramfs mounted the real root ({@code $rootmnt}, normally /root)
 */
public record BootPlan(Resolution resolution, String rootmnt) {
    static final String RW = "/rw";
    static final String RO = "/ro";
    static final String UNION = "/overlayboot";

    public boolean active() {
        return resolution.active();
    }

    public boolean deviceMode() {
        return resolution.get(Settings.MODE).equals("device");
    }

    /** The directory under /rw that holds upper/ and work/: /rw, or /rw/DIR in device mode. */
    String base() {
        String dir = resolution.get(Settings.DIR);
        return deviceMode() && !dir.isEmpty() ? RW + "/" + dir : RW;
    }

    String upper() {
        return base() + "/upper";
    }

    String work() {
        return base() + "/work";
    }

    String get(io.overlayboot.settings.Setting setting) {
        return resolution.get(setting);
    }

    boolean flag(io.overlayboot.settings.Setting setting) {
        return resolution.get(setting).equals("1");
    }

    /** The plan lines: the resolution's lines, then the steps when active. */
    public List<String> lines() {
        List<String> lines = new ArrayList<>(resolution.planLines());
        if (active()) {
            steps().forEach(s -> lines.add("step: " + s));
        }
        return List.copyOf(lines);
    }

    /** One description per step, in the order they run. */
    List<String> steps() {
        List<String> steps = new ArrayList<>();
        steps.add(deviceMode()
                ? "upper device " + get(Settings.DEV) + " fstype=" + get(Settings.FSTYPE) + " timeout="
                        + get(Settings.TIMEOUT) + " fallback=" + get(Settings.FALLBACK)
                : "upper tmpfs size=" + get(Settings.SIZE));
        steps.add("mkdir " + upper() + " " + work());
        steps.add("move " + rootmnt + " " + RO);
        steps.add("union " + get(Settings.DRIVER) + " lower=" + RO + " upper=" + upper() + " work=" + work()
                + " at " + UNION);
        steps.add("move " + RO + " " + UNION + RO);
        steps.add("move " + RW + " " + UNION + RW);
        persistStep().ifPresent(steps::add);
        steps.add("fstab swap=" + get(Settings.SWAP) + " recurse=" + get(Settings.RECURSE));
        steps.add("move " + UNION + " " + rootmnt);
        return steps;
    }

    /** The persist step's description, as the script's {@code ob_persist_description}; none without persist=. */
    java.util.Optional<String> persistStep() {
        String persist = get(Settings.PERSIST);
        if (persist.isEmpty()) {
            return java.util.Optional.empty();
        }
        String store = get(Settings.STORE);
        return java.util.Optional.of("persist " + persist + (store.isEmpty() ? " on the root filesystem" : " on store " + store));
    }
}

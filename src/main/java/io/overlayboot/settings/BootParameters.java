package io.overlayboot.settings;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads {@code /etc/overlayboot.conf} and the kernel command line into a {@link Resolution}.
 *
 * <p>The grammar, which the boot script's shell parser implements line for line:
 *
 * <ul>
 *   <li>Config file: {@code key=value} lines; blank lines and {@code #} comments ignored; an empty
 *       value means the default.
 *   <li>{@code aufs=tmpfs} protects with a tmpfs upper; {@code aufs=LABEL=x}, {@code UUID=x},
 *       {@code PARTUUID=x}, {@code PARTLABEL=x} or {@code /dev/x} with that device as the upper.
 *   <li>{@code overlayboot=MODE[:name=value,...]} with MODE {@code tmpfs}, {@code device} or
 *       {@code disabled}.
 *   <li>Later parameters win over earlier ones, the command line over the config file, and
 *       {@code overlayboot=disabled} over everything.
 *   <li>A bad value or unknown option is reported and ignored; an unknown mode means tmpfs: the
 *       machine stays protected.
 * </ul>
 */
public final class BootParameters {
    private static final String PREFIX = "overlayboot: ";
    public static final String CONFIG_PATH = "/etc/overlayboot.conf";

    private final Map<String, String> values = new LinkedHashMap<>();
    private final List<String> warnings = new ArrayList<>();
    private String cmdlineMode = "";
    private boolean disabled;

    private BootParameters() {
        Settings.ALL.forEach(s -> values.put(s.name(), s.defaultValue()));
    }

    /** Resolves a command line (the text of {@code /proc/cmdline}) and a config file's text. */
    public static Resolution resolve(String cmdline, String config) {
        BootParameters p = new BootParameters();
        p.readConfig(config);
        String configMode = p.values.get(Settings.MODE.name());
        p.readCmdline(cmdline);
        boolean active;
        String mode;
        if (p.disabled) {
            active = false;
            mode = "disabled";
        } else if (!p.cmdlineMode.isEmpty()) {
            active = true;
            mode = p.cmdlineMode;
        } else {
            active = !configMode.isEmpty();
            mode = configMode;
        }
        p.values.put(Settings.MODE.name(), mode);
        return new Resolution(active, p.values, p.warnings);
    }

    private void readConfig(String config) {
        for (String raw : config.split("\n", -1)) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int eq = line.indexOf('=');
            if (eq <= 0) {
                warn("line '" + line + "' of " + CONFIG_PATH + " is not key=value, ignoring it");
                continue;
            }
            String key = line.substring(0, eq);
            String value = line.substring(eq + 1);
            Optional<Setting> setting = Settings.byName(key);
            if (setting.isEmpty()) {
                warn("unknown key '" + key + "' in " + CONFIG_PATH + ", ignoring it");
            } else if (value.isEmpty()) {
                values.put(key, setting.get().defaultValue());
            } else {
                assign(setting.get(), value, CONFIG_PATH);
            }
        }
    }

    private void readCmdline(String cmdline) {
        // the words of strip().split("[ \t\n]+") without a regex, which every start of status would compile
        for (java.util.StringTokenizer words = new java.util.StringTokenizer(cmdline.strip(), " \t\n"); words.hasMoreTokens(); ) {
            String token = words.nextToken();
            if (token.startsWith("aufs=")) {
                readAufs(token, token.substring("aufs=".length()));
            } else if (token.startsWith("overlayboot=")) {
                readOverlayboot(token, token.substring("overlayboot=".length()));
            }
        }
    }

    private void readAufs(String token, String value) {
        if (value.equals("tmpfs")) {
            cmdlineMode = "tmpfs";
        } else if (Settings.DEV.kind().accepts(value)) {
            cmdlineMode = "device";
            values.put(Settings.DEV.name(), value);
        } else {
            warn("bad value '" + value + "' in '" + token + "' (expected tmpfs, " + Settings.DEV.kind().expected()
                    + "), using tmpfs");
            cmdlineMode = "tmpfs";
        }
    }

    private void readOverlayboot(String token, String value) {
        int colon = value.indexOf(':');
        String head = colon < 0 ? value : value.substring(0, colon);
        String options = colon < 0 ? "" : value.substring(colon + 1);
        switch (head) {
            case "tmpfs", "device" -> cmdlineMode = head;
            case "disabled" -> disabled = true;
            default -> {
                warn("unknown mode '" + head + "' in '" + token + "' (expected tmpfs, device or disabled), using tmpfs");
                cmdlineMode = "tmpfs";
            }
        }
        for (String option : options.split(",")) {
            if (option.isEmpty()) {
                continue;
            }
            int eq = option.indexOf('=');
            if (eq <= 0) {
                warn("option '" + option + "' in '" + token + "' is not name=value, ignoring it");
                continue;
            }
            String name = option.substring(0, eq);
            Optional<Setting> setting = Settings.byName(name).filter(Setting::inOptionList);
            if (setting.isEmpty()) {
                warn("unknown option '" + name + "' in '" + token + "', ignoring it");
            } else {
                assign(setting.get(), option.substring(eq + 1), "'" + token + "'");
            }
        }
    }

    private void assign(Setting setting, String value, String source) {
        if (setting.kind().accepts(value)) {
            values.put(setting.name(), value);
            return;
        }
        String current = values.get(setting.name());
        warn("bad value '" + value + "' for " + setting.name() + "= in " + source + " (expected "
                + setting.kind().expected() + "), " + (current.isEmpty() ? "leaving it unset" : "using " + current));
    }

    /** Every warning quotes outside text, so it is escaped here, once, as the script's ob_warn does. */
    private void warn(String message) {
        warnings.add(PREFIX + OutsideText.escape(message));
    }
}

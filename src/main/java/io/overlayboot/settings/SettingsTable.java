package io.overlayboot.settings;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** The settings table as documentation: the README's Markdown table and the rows for {@code --json}. */
public final class SettingsTable {
    private SettingsTable() {}

    /** The Markdown table the README embeds (a test keeps the two identical). */
    public static String markdown() {
        StringBuilder sb = new StringBuilder();
        sb.append("| kernel (`overlayboot=MODE:...`) | config key | CLI flag | default | allowed | what it does |\n");
        sb.append("|---|---|---|---|---|---|\n");
        for (Setting s : Settings.ALL) {
            String kernel = s.inOptionList() ? "`" + s.name() + "=`" : "the MODE itself";
            sb.append("| ").append(kernel)
                    .append(" | `").append(s.name()).append("` | `").append(s.cliFlag()).append("` | ")
                    .append(s.defaultValue().isEmpty() ? "(empty)" : "`" + s.defaultValue() + "`")
                    .append(" | ").append(s.kind().expected().replace("|", "\\|"))
                    .append(" | ").append(s.help().replace("|", "\\|")).append(" |\n");
        }
        return sb.toString();
    }

    /** One map per setting, for JSON output. */
    public static List<Map<String, Object>> rows() {
        return Settings.ALL.stream()
                .map(s -> Map.<String, Object>of("name", s.name(), "configKey", s.name(), "cliFlag", s.cliFlag(),
                        "default", s.defaultValue(), "allowed", s.kind().expected(), "help", s.help(),
                        "kernelOption", s.inOptionList()))
                .collect(Collectors.toList());
    }
}

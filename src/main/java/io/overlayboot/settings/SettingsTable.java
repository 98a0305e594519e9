package io.overlayboot.settings;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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

    /**
     * One map per setting, for JSON output, its keys in the order of docs/json.md's schema (a
     * {@code Map.of} had them in an order that changed from run to run). A loop, not a stream: this
     * is all {@code settings --json} computes, and the stream library was a good part of its start.
     */
    public static List<Map<String, Object>> rows() {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Setting s : Settings.ALL) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("name", s.name());
            row.put("configKey", s.name());
            row.put("cliFlag", s.cliFlag());
            row.put("default", s.defaultValue());
            row.put("allowed", s.kind().expected());
            row.put("help", s.help());
            row.put("kernelOption", s.inOptionList());
            rows.add(row);
        }
        return rows;
    }
}

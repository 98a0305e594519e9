package io.overlayboot.cli;

import io.overlayboot.settings.Settings;
import io.overlayboot.settings.SettingsTable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code overlayboot settings}: every boot option with its kernel name, config key, flag and default. */
@Command(name = "settings", mixinStandardHelpOptions = true,
        description = {
            "List every boot option with its names, default and meaning.",
            "Each boot option: its kernel command-line name, config key, CLI flag, default and meaning."
        })
final class SettingsCommand implements Subcommand {
    @Option(names = "--markdown", description = "Print the table in Markdown (as in the README).")
    private boolean markdown;

    @Mixin
    private JsonOption json;

    @Override
    public Rendered run(Output output) {
        return Rendered.of(out -> {
            if (markdown) {
                out.print(SettingsTable.markdown());
            } else {
                Settings.ALL.forEach(s -> out.printf("%-9s %-14s default %-7s %s%n", s.name(), s.cliFlag(),
                        s.defaultValue().isEmpty() ? "(empty)" : s.defaultValue(), s.kind().expected()));
            }
        }, SettingsTable::rows);
    }
}

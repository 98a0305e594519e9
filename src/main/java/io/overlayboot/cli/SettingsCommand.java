package io.overlayboot.cli;

import io.overlayboot.core.Json;
import io.overlayboot.core.ExitCode;
import io.overlayboot.settings.Settings;
import io.overlayboot.settings.SettingsTable;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code overlayboot settings}: every boot option with its kernel name, config key, flag and default. */
@Command(name = "settings", mixinStandardHelpOptions = true,
        description = {
            "List every boot option with its names, default and meaning.",
            "Each boot option: its kernel command-line name, config key, CLI flag, default and meaning."
        })
final class SettingsCommand implements Callable<Integer> {
    @Option(names = "--markdown", description = "Print the table in Markdown (as in the README).")
    private boolean markdown;

    @Mixin
    private JsonOption json;

    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() {
        var out = spec.commandLine().getOut();
        if (json.enabled()) {
            out.println(Json.write(SettingsTable.rows()));
        } else if (markdown) {
            out.print(SettingsTable.markdown());
        } else {
            Settings.ALL.forEach(s -> out.printf("%-9s %-14s default %-7s %s%n", s.name(), s.cliFlag(),
                    s.defaultValue().isEmpty() ? "(empty)" : s.defaultValue(), s.kind().expected()));
        }
        return ExitCode.OK.code();
    }
}

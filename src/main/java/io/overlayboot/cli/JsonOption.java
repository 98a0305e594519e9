package io.overlayboot.cli;

import picocli.CommandLine.Option;

/** The {@code --json} flag: machine-readable output on stdout instead of text. */
public final class JsonOption {
    @Option(names = "--json", description = "Print the result as JSON for scripts.")
    private boolean json;

    public boolean enabled() {
        return json;
    }
}

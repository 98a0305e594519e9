package io.overlayboot.cli;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/**
 * The {@code --json} flag: machine-readable output on stdout instead of text. Annotated commands
 * mix it in with {@code @Mixin}; the ones built without annotations ({@link Specs}) with
 * {@link #spec}, from the same constants.
 */
public final class JsonOption {
    static final String NAME = "--json";
    static final String DESCRIPTION = "Print the result as JSON for scripts.";

    @Option(names = NAME, description = DESCRIPTION)
    private boolean json;

    public boolean enabled() {
        return json;
    }

    void set(boolean json) {
        this.json = json;
    }

    /** This mixin as picocli's {@code @Mixin} would make it, without reading the annotation. */
    static CommandSpec spec(JsonOption target) {
        CommandSpec spec = CommandSpec.wrapWithoutInspection(target);
        spec.addOption(Specs.option(NAME, boolean.class, "json").description(DESCRIPTION)
                .setter(new Specs.Setter<Boolean>(v -> target.json = v != null && v))
                .getter(new Specs.Getter(() -> target.json)).build());
        return spec;
    }
}

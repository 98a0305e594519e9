package io.overlayboot.cli;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Command models built with picocli's programmatic API, for the commands whose start-up matters
 * most ({@code overlayboot} itself, {@code status}, {@code settings} and {@code inspect}).
 *
 * <p>Why: picocli builds a model from annotations by reflection, and the JDK answers every
 * {@code getAnnotation} with a proxy class it generates anew at each start, one per annotation type
 * ({@code @Command}, {@code @Option}, {@code @Mixin}, {@code @Spec}, picocli's own help mixin), which
 * Java 25's AOT cache cannot keep ("Skipping jdk/proxy1/$Proxy0: Unsupported location"). That was
 * most of {@code status}'s start. A model built with {@link CommandSpec#create} and
 * {@link OptionSpec#builder} reads no annotation.
 *
 * <p>There is still one definition of each option: a command built here is not annotated at all,
 * and a mixin it shares with annotated commands ({@link JsonOption}, {@link RunningSystemMixin})
 * keeps its names, labels, defaults and descriptions in constants that its {@code @Option}
 * annotations and its {@code spec} method both use; {@code ProgrammaticSpecsTest} checks that the
 * two models picocli gets are the same, option by option, and that the help text is the one picocli
 * would print for the annotated form.
 */
final class Specs {
    private Specs() {}

    /**
     * What {@code mixinStandardHelpOptions = true} adds ({@code -h, --help} and {@code -V,
     * --version}, as picocli's {@code AutoHelpMixin} declares them), without the reflection over
     * that mixin which picocli's own {@link CommandSpec#mixinStandardHelpOptions(boolean)} does.
     */
    static CommandSpec withStandardHelpOptions(CommandSpec spec) {
        spec.addOption(OptionSpec.builder("-h", "--help").usageHelp(true).type(boolean.class).paramLabel("<helpRequested>").initialValue(false)
                .descriptionKey("mixinStandardHelpOptions.help")
                .description("Show this help message and exit.").build());
        spec.addOption(OptionSpec.builder("-V", "--version").versionHelp(true).type(boolean.class).paramLabel("<versionRequested>").initialValue(false)
                .descriptionKey("mixinStandardHelpOptions.version")
                .description("Print version information and exit.").build());
        return spec;
    }

    /**
     * An option of this type, as {@code @Option} would make it from a field named {@code field}:
     * picocli gives an annotated option the description key "" and, where no label is given (a
     * flag, whose label never shows), "&lt;field&gt;".
     */
    static OptionSpec.Builder option(String name, Class<?> type, String field) {
        OptionSpec.Builder b = OptionSpec.builder(name).type(type).descriptionKey("").paramLabel("<" + field + ">");
        if (type == java.nio.file.Path.class) {
            // picocli's own Path converter calls Paths.get by reflection, which reads annotations
            b.converters(PATH);
        }
        return b;
    }

    static final picocli.CommandLine.ITypeConverter<java.nio.file.Path> PATH = java.nio.file.Path::of;

    /** A picocli setter that hands the value to a consumer. */
    record Setter<T>(java.util.function.Consumer<T> to) implements picocli.CommandLine.Model.ISetter {
        @Override
        @SuppressWarnings("unchecked")
        public <V> V set(V value) {
            to.accept((T) value);
            return null;
        }
    }

    /** A picocli getter that asks a supplier. */
    record Getter(java.util.function.Supplier<?> from) implements picocli.CommandLine.Model.IGetter {
        @Override
        @SuppressWarnings("unchecked")
        public <V> V get() {
            return (V) from.get();
        }
    }
}

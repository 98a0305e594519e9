package io.overlayboot.cli;

import io.overlayboot.render.RenderRequest;
import io.overlayboot.render.Sysctl;
import io.overlayboot.settings.Setting;
import io.overlayboot.settings.Settings;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;

/**
 * The boot options shared by {@code render}, {@code install}, {@code pack} and friends. The
 * options for the settings are not written out here: {@link #register} derives one flag per
 * {@link Setting} from the settings table, so the CLI cannot drift from the boot script.
 */
public final class BootOptionsMixin {
    private final Map<Setting, String> chosen = new LinkedHashMap<>();

    @Option(names = "--sysctl", paramLabel = "KEY=VALUE",
            description = "Also write this sysctl setting to etc/sysctl.d/90-overlayboot.conf (repeatable).")
    private List<String> sysctl = new ArrayList<>();

    @Option(names = "--no-grub", negatable = false,
            description = "Do not write the GRUB drop-in (for other boot loaders: pair with --mode).")
    private boolean noGrub;

    /** The render request these options describe; validates every value. */
    public RenderRequest request() {
        return new RenderRequest(chosen, sysctl.stream().map(Sysctl::parse).toList(), !noGrub);
    }

    /** The settings set explicitly on the command line. */
    public Map<Setting, String> chosen() {
        return Map.copyOf(chosen);
    }

    /** Adds one option per setting to every command in the tree that mixes this class in. */
    public static void register(CommandLine commandLine) {
        CommandSpec spec = commandLine.getCommandSpec();
        for (CommandSpec mixin : spec.mixins().values()) {
            if (mixin.userObject() instanceof BootOptionsMixin boot) {
                Settings.ALL.forEach(setting -> spec.addOption(optionFor(setting, boot)));
            }
        }
        commandLine.getSubcommands().values().forEach(BootOptionsMixin::register);
    }

    private static OptionSpec optionFor(Setting setting, BootOptionsMixin boot) {
        String defaultText = setting.defaultValue().isEmpty() ? "(empty)" : setting.defaultValue();
        if (setting == Settings.PERSIST) {
            return persistOption(setting, boot);
        }
        return OptionSpec.builder(setting.cliFlag())
                .paramLabel(setting.name().toUpperCase(java.util.Locale.ROOT))
                .type(String.class)
                // picocli formats descriptions: a literal % must be written %%
                .description((setting.help() + " Allowed: " + setting.kind().expected() + ". Default: " + defaultText + ".")
                        .replace("%", "%%"))
                .setter(new CommandLine.Model.ISetter() {
                    @Override
                    @SuppressWarnings("unchecked")
                    public <T> T set(T value) {
                        if (value != null) { // picocli resets options to null before each parse
                            boot.chosen.put(setting, (String) value);
                        }
                        return null;
                    }
                })
                .build();
    }

    /**
     * {@code --persist PATH}, repeatable: the entries are joined with spaces, as in the config file.
     * picocli adds each occurrence to the list the getter returns, so that list keeps the choice in step.
     */
    private static OptionSpec persistOption(Setting setting, BootOptionsMixin boot) {
        final class Entries extends ArrayList<String> implements CommandLine.Model.IGetter, CommandLine.Model.ISetter {
            private static final long serialVersionUID = 1L;

            @Override
            public boolean add(String entry) {
                super.add(entry);
                boot.chosen.put(setting, String.join(" ", this));
                return true;
            }

            @Override
            public boolean addAll(java.util.Collection<? extends String> more) {
                more.forEach(this::add);
                return !more.isEmpty();
            }

            @Override
            @SuppressWarnings("unchecked")
            public <T> T get() {
                return (T) this;
            }

            @Override
            @SuppressWarnings("unchecked")
            public <T> T set(T value) {
                List<String> copy = value == null ? List.of() : List.copyOf((List<String>) value);
                clear();
                boot.chosen.remove(setting);
                addAll(copy);
                return null;
            }
        }
        Entries binding = new Entries();
        return OptionSpec.builder(setting.cliFlag())
                .paramLabel(setting.name().toUpperCase(java.util.Locale.ROOT))
                .type(List.class)
                .auxiliaryTypes(String.class)
                .description((setting.help() + " Allowed: " + setting.kind().expected() + ".").replace("%", "%%"))
                .getter(binding)
                .setter(binding)
                .build();
    }
}

package io.overlayboot.settings;

/**
 * One boot option, declared once. The kernel command line option, the config file key, the CLI
 * flag, the boot script's parser and the README's table are all derived from these records.
 *
 * @param name the option's name on the kernel command line ({@code overlayboot=tmpfs:NAME=value})
 *     and its key in {@code /etc/overlayboot.conf}
 * @param cliFlag the flag of {@code render}, {@code install} and friends
 * @param defaultValue the value used when neither the command line nor the config set it
 * @param kind the grammar of the value
 * @param help one sentence for --help, the config file and the README
 * @param inOptionList false for {@code mode}, which is the head of {@code overlayboot=MODE:...}
 *     rather than an entry of its option list
 */
public record Setting(
        String name, String cliFlag, String defaultValue, Kind kind, String help, boolean inOptionList) {

    /**
     * A default its kind rejects is refused at declaration, where assertions are on (the tests:
     * {@code SettingsTest}): checked on every start, it compiled half of {@link Kind}'s regular
     * expressions for nothing in every {@code overlayboot status}, whose settings are constants.
     */
    public Setting {
        assert defaultValue.isEmpty() || kind.accepts(defaultValue) : "default of " + name + " is not valid: " + defaultValue;
    }

    /** The shell variable the boot script keeps this setting in. */
    public String shellVariable() {
        return "OB_" + name.toUpperCase(java.util.Locale.ROOT);
    }
}

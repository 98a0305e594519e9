package io.overlayboot.render;

import io.overlayboot.core.OverlaybootException;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One sysctl setting asked for with {@code --sysctl KEY=VALUE}.
 *
 * @param key a dotted sysctl name like {@code kernel.yama.protected_symlinks}
 * @param value its value, one line
 */
public record Sysctl(String key, String value) {
    private static final Pattern KEY = Pattern.compile("[a-z0-9_-]+(?:[./][A-Za-z0-9_-]+)+");
    private static final Pattern VALUE = Pattern.compile("[ -~]{1,256}");
    /** Settings that weaken the kernel's protections; allowed, but warned about. */
    private static final Set<String> WEAKENING = Set.of(
            "fs.protected_symlinks", "fs.protected_hardlinks", "fs.protected_fifos", "fs.protected_regular",
            "kernel.yama.protected_sticky_symlinks", "kernel.yama.protected_nonaccess_hardlinks",
            "kernel.yama.ptrace_scope", "kernel.kptr_restrict", "kernel.dmesg_restrict",
            "kernel.unprivileged_bpf_disabled", "kernel.randomize_va_space");

    public Sysctl {
        if (!KEY.matcher(key).matches()) {
            throw OverlaybootException.badInput("Bad sysctl key '" + key + "' in --sysctl",
                    "use a dotted name like vm.swappiness=10");
        }
        if (!VALUE.matcher(value).matches() || !value.strip().equals(value)) {
            throw OverlaybootException.badInput("Bad sysctl value '" + value.replace("\n", "\\n") + "' for " + key
                    + " in --sysctl", "give one line of printable text without leading or trailing spaces");
        }
    }

    /** Parses {@code KEY=VALUE}. */
    public static Sysctl parse(String text) {
        int eq = text.indexOf('=');
        if (eq <= 0) {
            throw OverlaybootException.badInput("Bad --sysctl '" + text + "': not KEY=VALUE",
                    "write it like vm.swappiness=10");
        }
        return new Sysctl(text.substring(0, eq).strip(), text.substring(eq + 1).strip());
    }

    /** Whether this turns off one of the kernel's protections (e.g. link protection set to 0). */
    public boolean weakensSecurity() {
        return WEAKENING.contains(key.replace('/', '.')) && value.equals("0");
    }

    /** The warning {@code render}, {@code install} and {@code configure} give for a setting that {@link #weakensSecurity}. */
    public Optional<String> warning() {
        return weakensSecurity()
                ? Optional.of("sysctl " + assignment() + " weakens a kernel protection; keep it only if you need it")
                : Optional.empty();
    }

    /** {@code KEY=VALUE}, as {@link #parse} reads it and the install manifest stores it. */
    public String assignment() {
        return key + "=" + value;
    }
}

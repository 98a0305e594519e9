package io.overlayboot.settings;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The {@code persist} setting: which paths write through to persistent storage while the rest of
 * the root stays volatile. A value is a list of entries separated by spaces (the config file) or
 * {@code +} (the kernel command line, where a value holds no space and {@code overlayboot=}'s
 * options are comma-separated): {@code persist=/etc/foo+@ssh-host-keys}. An entry is an absolute
 * path or a preset ({@link #PRESETS}). The boot script checks the same grammar ({@code ob_is_persist})
 * and expands the presets from the same table.
 */
public final class Persist {
    /** Entries are split on these characters, in Java and in the boot script. */
    public static final String SEPARATORS = " +";
    /** The longest entry, in bytes. */
    public static final int MAX_ENTRY = 1024;
    /** Filesystems that are not the root's, or overlayboot's own mount points. */
    public static final List<String> REFUSED = List.of("/proc", "/sys", "/dev", "/run", "/ro", "/rw");

    /**
     * Files the boot itself rewrites in the union (the fstab step drops the root and swap lines):
     * neither they nor a directory above them may be persisted, or the boot would rewrite the real
     * root filesystem's copy, and the next unprotected boot would read the rewritten one.
     */
    public static final List<String> BOOT_WRITTEN = List.of("/etc/fstab");

    /**
     * The grammar's expressions, compiled when an entry is first checked: not when
     * {@code overlayboot settings} reads {@link #presetNames} for its table (as {@link Kind}'s holders).
     */
    private static final class Patterns {
        static final Pattern CHARACTERS = Pattern.compile("[A-Za-z0-9._@/-]+");
        static final Pattern DOT_COMPONENT = Pattern.compile("(?:^|/)\\.{1,2}(?:/|$)");
    }

    /** What a persisted path is when it has to be created. */
    public enum Type { DIR, FILE }

    /**
     * One path a preset or a plain entry stands for.
     *
     * @param path absolute; with {@code glob}, its last component is a shell pattern matched at boot
     * @param type what to create when the path is missing on the persistent side
     * @param mode the octal mode to create it with
     * @param glob whether the last component is a pattern ({@code ssh_host_*}), matched at boot
     */
    public record Target(String path, Type type, String mode, boolean glob) {}

    /**
     * A preset: a name ({@code @ssh-host-keys}) for paths that belong together.
     *
     * @param name with its {@code @}
     * @param targets what it persists
     * @param help one sentence for the docs
     */
    public record Preset(String name, List<Target> targets, String help) {
        public Preset {
            targets = List.copyOf(targets);
        }
    }

    /** Every preset, in documentation order. */
    public static final List<Preset> PRESETS = List.of(
            new Preset("@ssh-host-keys", List.of(new Target("/etc/ssh/ssh_host_*", Type.FILE, "0600", true)),
                    "The SSH host keys present on the root at boot (the pattern is matched then), so the machine"
                            + " keeps its SSH identity."),
            new Preset("@machine-id", List.of(new Target("/etc/machine-id", Type.FILE, "0444", false)),
                    "/etc/machine-id; created empty when missing, so systemd generates an ID at the next boot"
                            + " and writes it through."),
            new Preset("@network", List.of(
                    new Target("/etc/NetworkManager/system-connections", Type.DIR, "0700", false),
                    new Target("/var/lib/NetworkManager", Type.DIR, "0755", false),
                    new Target("/var/lib/dhcp", Type.DIR, "0755", false)),
                    "NetworkManager's connections and state, and the DHCP client's leases."),
            new Preset("@docker", List.of(
                    new Target("/var/lib/docker", Type.DIR, "0710", false),
                    new Target("/var/lib/containerd", Type.DIR, "0711", false)),
                    "Docker's and containerd's state (overlay2 cannot run on an overlay root)."),
            new Preset("@logs", List.of(new Target("/var/log/journal", Type.DIR, "2755", false)),
                    "The systemd journal: it becomes persistent (journald writes to /var/log/journal when it exists)."));

    private Persist() {}

    /** The entries of a value, in order, without empty ones. */
    public static List<String> entries(String value) {
        List<String> entries = new ArrayList<>();
        for (String entry : value.split("[" + Pattern.quote(SEPARATORS) + "]+")) {
            if (!entry.isEmpty()) {
                entries.add(entry);
            }
        }
        return List.copyOf(entries);
    }

    /** Why {@code entry} cannot be persisted, or empty when it can. */
    public static Optional<String> problem(String entry) {
        if (entry.startsWith("@")) {
            return preset(entry).isPresent() ? Optional.empty()
                    : Optional.of("is not a preset (presets: " + presetNames() + ")");
        }
        if (!entry.startsWith("/")) {
            return Optional.of("is not an absolute path");
        }
        if (entry.length() > MAX_ENTRY) {
            return Optional.of("is longer than " + MAX_ENTRY + " bytes");
        }
        if (!Patterns.CHARACTERS.matcher(entry).matches()) {
            return Optional.of("has a character outside A-Z a-z 0-9 . _ @ - /");
        }
        if (entry.equals("/")) {
            return Optional.of("is the root itself (persist the paths under it instead)");
        }
        if (entry.contains("//") || entry.endsWith("/") || Patterns.DOT_COMPONENT.matcher(entry).find()) {
            return Optional.of("is not a plain path (no '.', '..', '//' or trailing '/')");
        }
        for (String refused : REFUSED) {
            if (entry.equals(refused) || entry.startsWith(refused + "/")) {
                return Optional.of("is under " + refused + ", which is not part of the root filesystem's persistent content");
            }
        }
        for (String written : BOOT_WRITTEN) {
            if (written.equals(entry) || written.startsWith(entry + "/")) {
                return Optional.of("holds " + written + ", which each protected boot rewrites in the union"
                        + " (persist the paths beside it instead)");
            }
        }
        return Optional.empty();
    }

    /** True when every entry of {@code value} can be persisted (an empty value persists nothing). */
    public static boolean accepts(String value) {
        return entries(value).stream().allMatch(e -> problem(e).isEmpty());
    }

    /** The first bad entry of {@code value} with why, as {@code 'ENTRY' REASON}, or empty. */
    public static Optional<String> firstProblem(String value) {
        for (String entry : entries(value)) {
            Optional<String> problem = problem(entry);
            if (problem.isPresent()) {
                return Optional.of("'" + entry + "' " + problem.get());
            }
        }
        return Optional.empty();
    }

    public static Optional<Preset> preset(String name) {
        return PRESETS.stream().filter(p -> p.name().equals(name)).findFirst();
    }

    /** The presets' names, space-separated. */
    public static String presetNames() {
        StringBuilder names = new StringBuilder(); // (no stream: settings' start needs none)
        for (Preset preset : PRESETS) {
            names.append(names.isEmpty() ? "" : " ").append(preset.name());
        }
        return names.toString();
    }

    /**
     * What a valid value persists, in order, presets expanded, each path once: a plain entry is a
     * directory with mode 0755 when it has to be created (a missing file cannot be told from a
     * missing directory, and a directory is what most people persist).
     */
    public static List<Target> expand(String value) {
        List<Target> targets = new ArrayList<>();
        for (String entry : entries(value)) {
            List<Target> more = entry.startsWith("@")
                    ? preset(entry).map(Preset::targets).orElse(List.of())
                    : List.of(new Target(entry, Type.DIR, "0755", false));
            for (Target t : more) {
                if (targets.stream().noneMatch(o -> o.path().equals(t.path()))) {
                    targets.add(t);
                }
            }
        }
        return List.copyOf(targets);
    }

    /** True when {@code path} is a persisted path or lies under one of {@code persisted}. */
    public static boolean covers(List<String> persisted, String path) {
        return persisted.stream().anyMatch(p -> path.equals(p) || path.startsWith(p + "/"));
    }
}

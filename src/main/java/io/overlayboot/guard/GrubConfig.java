package io.overlayboot.guard;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The menu of a {@code grub.cfg} and the entry GRUB boots when nobody touches the keyboard.
 *
 * <p>The default is what the top-level {@code set default=...} statements say, as Debian's
 * {@code grub-mkconfig} writes them: {@code set default="${next_entry}"} (taken once, when
 * {@code grubenv} has a {@code next_entry}), else {@code set default="${saved_entry}"}
 * ({@code GRUB_DEFAULT=saved}) or a literal. A default is an index, an id or a title, with
 * {@code >} between the levels of submenus ({@code gnulinux-advanced-ID>gnulinux-6.1.0-advanced-ID},
 * {@code 1>2}); one that names no entry means the first entry, as in GRUB's {@code menu.c}.
 *
 * @param entries the top-level menu entries and submenus, in order
 * @param defaults the values of top-level {@code set default=} statements, in order, unexpanded
 */
record GrubConfig(List<MenuEntry> entries, List<String> defaults) {

    GrubConfig {
        entries = List.copyOf(entries);
        defaults = List.copyOf(defaults);
    }

    /**
     * A menu entry or submenu.
     *
     * @param path the titles from the top menu down to this entry, joined by {@code >}
     * @param kernel the file of the {@code linux} command, or empty
     * @param arguments the kernel command line after it, words joined by one blank
     * @param initrds the files of the {@code initrd} command
     * @param children the entries of a submenu; empty for a menu entry
     */
    record MenuEntry(String title, String id, String path, boolean submenu, String kernel, String arguments,
            List<String> initrds, List<MenuEntry> children) {
        MenuEntry {
            initrds = List.copyOf(initrds);
            children = List.copyOf(children);
        }
    }

    /**
     * The entry chosen, how it was chosen, and what is worth saying about it.
     *
     * @param entry the menu entry that boots, or null when the menu has none
     * @param spec the default as GRUB sees it, e.g. {@code 0} or an id
     * @param source where the default came from, e.g. {@code grubenv saved_entry}
     * @param notes remarks, e.g. that the named entry does not exist and the first one is used
     */
    record Choice(MenuEntry entry, String spec, String source, List<String> notes) {
        Choice {
            notes = List.copyOf(notes);
        }
    }

    /**
     * Whether {@code word} is the variable {@code name} as GRUB script writes it: {@code $name} or
     * {@code ${name}}, also with one of the braces alone, as the pattern "\$\{?name}?" matches,
     * without a regex compiled at every {@code status}.
     */
    static boolean isVariable(String word, String name) {
        if (!word.startsWith("$")) {
            return false;
        }
        String rest = word.substring(1);
        rest = rest.startsWith("{") ? rest.substring(1) : rest;
        rest = rest.endsWith("}") ? rest.substring(0, rest.length() - 1) : rest;
        return rest.equals(name);
    }

    /** One or more ASCII digits ({@code [0-9]+}). */
    private static boolean isNumber(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    /** Parses grub.cfg text; anything it does not understand is skipped, as it does not choose the entry. */
    static GrubConfig parse(String text) {
        List<List<String>> commands = new ArrayList<>();
        for (List<String> c : GrubScript.commands(text)) {
            splitAtBraces(c, commands);
        }
        Parser p = new Parser(commands);
        List<MenuEntry> top = p.block("", true);
        return new GrubConfig(top, p.defaults);
    }

    /** The entry that boots next, given the {@code grubenv} variables. */
    Choice choose(Map<String, String> env) {
        String spec = "0";
        String source = "the first entry (grub.cfg sets no default)";
        boolean nextEntryBranch = defaults.stream().anyMatch(d -> isVariable(d, "next_entry"));
        String nextEntry = env.getOrDefault("next_entry", "");
        if (nextEntryBranch && !nextEntry.isEmpty()) {
            spec = nextEntry;
            source = "grubenv next_entry (used once, for the next boot only)";
        } else {
            for (String d : defaults) {
                if (isVariable(d, "next_entry")) {
                    continue;
                }
                if (isVariable(d, "saved_entry")) {
                    spec = env.getOrDefault("saved_entry", "");
                    source = "grubenv saved_entry";
                } else {
                    spec = d;
                    source = "grub.cfg set default";
                }
            }
        }
        List<String> notes = new ArrayList<>();
        MenuEntry chosen = find(spec.isEmpty() ? "0" : spec);
        if (chosen == null) {
            chosen = entries.isEmpty() ? null : entries.getFirst();
            if (!spec.isEmpty()) {
                notes.add("the default '" + spec + "' (" + source + ") names no menu entry; GRUB boots the first one");
            }
        }
        while (chosen != null && chosen.submenu()) {
            notes.add("the default '" + spec + "' is the submenu '" + chosen.path() + "'; GRUB boots its first entry");
            chosen = chosen.children().isEmpty() ? null : chosen.children().getFirst();
        }
        return new Choice(chosen, spec, source, notes);
    }

    /** The entry {@code spec} names: index, id or title per level, levels joined by {@code >}; null if none. */
    MenuEntry find(String spec) {
        List<MenuEntry> menu = entries;
        MenuEntry found = null;
        for (String part : spec.split(">", -1)) {
            found = null;
            if (isNumber(part)) {
                int index = part.length() > 9 ? Integer.MAX_VALUE : Integer.parseInt(part);
                found = index < menu.size() ? menu.get(index) : null;
            } else {
                found = menu.stream().filter(e -> e.id().equals(part) || e.title().equals(part)).findFirst().orElse(null);
            }
            if (found == null) {
                return null;
            }
            menu = found.children();
        }
        return found;
    }

    /** Every menu entry (not submenu), depth first. */
    List<MenuEntry> allEntries() {
        List<MenuEntry> all = new ArrayList<>();
        collect(entries, all);
        return all;
    }

    private static void collect(List<MenuEntry> menu, List<MenuEntry> all) {
        for (MenuEntry e : menu) {
            if (e.submenu()) {
                collect(e.children(), all);
            } else {
                all.add(e);
            }
        }
    }

    /** Makes {@code a b {} and {@code }} commands of their own, so one-line entries parse like multi-line ones. */
    private static void splitAtBraces(List<String> command, List<List<String>> out) {
        List<String> current = new ArrayList<>();
        for (String w : command) {
            if (w.equals("{")) {
                current.add(w);
                out.add(List.copyOf(current));
                current.clear();
            } else if (w.equals("}")) {
                if (!current.isEmpty()) {
                    out.add(List.copyOf(current));
                    current.clear();
                }
                out.add(List.of("}"));
            } else {
                current.add(w);
            }
        }
        if (!current.isEmpty()) {
            out.add(List.copyOf(current));
        }
    }

    private static final class Parser {
        private final List<List<String>> commands;
        private final List<String> defaults = new ArrayList<>();
        private int next;

        Parser(List<List<String>> commands) {
            this.commands = commands;
        }

        /** Reads commands up to the closing brace of this block (or the end); returns its entries. */
        List<MenuEntry> block(String parentPath, boolean topLevel) {
            List<MenuEntry> entries = new ArrayList<>();
            while (next < commands.size()) {
                List<String> c = withoutKeyword(commands.get(next++));
                String verb = c.getFirst();
                if (verb.equals("}")) {
                    return entries;
                }
                boolean opens = c.getLast().equals("{");
                if (opens && (verb.equals("menuentry") || verb.equals("submenu")) && c.size() >= 3) {
                    entries.add(entry(c, parentPath));
                } else if (opens) {
                    skipBlock();
                } else if (topLevel && verb.equals("set") && c.size() >= 2 && c.get(1).startsWith("default=")) {
                    defaults.add(c.get(1).substring("default=".length()));
                }
            }
            return entries;
        }

        private MenuEntry entry(List<String> c, String parentPath) {
            String title = c.get(1);
            String id = "";
            for (int k = 2; k + 1 < c.size(); k++) {
                if (c.get(k).equals("--id") || c.get(k).equals("$menuentry_id_option")) {
                    id = c.get(k + 1);
                }
            }
            String path = parentPath.isEmpty() ? title : parentPath + ">" + title;
            if (c.getFirst().equals("submenu")) {
                List<MenuEntry> children = block(path, false);
                return new MenuEntry(title, id, path, true, "", "", List.of(), children);
            }
            String kernel = "";
            String arguments = "";
            List<String> initrds = List.of();
            while (next < commands.size()) {
                List<String> b = withoutKeyword(commands.get(next++));
                String verb = b.getFirst();
                if (verb.equals("}")) {
                    break;
                }
                if (b.getLast().equals("{")) {
                    skipBlock();
                } else if (isOneOf(verb, "linux", "linux16", "linuxefi") && b.size() >= 2) {
                    kernel = b.get(1);
                    arguments = String.join(" ", b.subList(2, b.size()));
                } else if (isOneOf(verb, "initrd", "initrd16", "initrdefi")) {
                    initrds = b.subList(1, b.size());
                }
            }
            return new MenuEntry(title, id, path, false, kernel, arguments, initrds, List.of());
        }

        /** {@code linux(16|efi)?} without a regex compiled for every line of the menu ({@code status} reads it often). */
        private static boolean isOneOf(String verb, String... names) {
            for (String n : names) {
                if (verb.equals(n)) {
                    return true;
                }
            }
            return false;
        }

        /** {@code then set default=0} on one line is the command {@code set default=0}. */
        private static List<String> withoutKeyword(List<String> c) {
            int k = 0;
            while (k < c.size() - 1 && (c.get(k).equals("then") || c.get(k).equals("else") || c.get(k).equals("do"))) {
                k++;
            }
            return c.subList(k, c.size());
        }

        private void skipBlock() {
            int depth = 1;
            while (next < commands.size() && depth > 0) {
                List<String> c = commands.get(next++);
                if (c.getFirst().equals("}")) {
                    depth--;
                } else if (c.getLast().equals("{")) {
                    depth++;
                }
            }
        }
    }
}

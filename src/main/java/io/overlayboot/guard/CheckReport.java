package io.overlayboot.guard;

import io.overlayboot.settings.OutsideText;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a {@link NextBoot} or a {@link KernelReport} into the text {@code check} prints, the
 * {@code E:}/{@code W:} lines of the guard, or the JSON object whose schema is in {@code docs/json.md}.
 */
public final class CheckReport {
    private CheckReport() {}

    /**
     * The text of {@code check}: the verdict first, one line per reason. Titles, paths and file
     * contents come from the target, so every line is {@link OutsideText#escape escaped}: nothing
     * read from a grub.cfg or an initrd can forge a line or reach the terminal as a control code.
     */
    public static List<String> lines(NextBoot n) {
        return escaped(plainLines(n));
    }

    private static List<String> plainLines(NextBoot n) {
        List<String> lines = new ArrayList<>();
        if (n.reasons().isEmpty()) {
            lines.add("next boot: protected");
        }
        for (Reason r : n.reasons()) {
            lines.add("next boot: " + (r.unknown() ? "cannot tell: " : "UNPROTECTED: ") + r.line());
        }
        if (n.oneShot() != null) {
            lines.add("next boot: one-shot choice pending: " + n.oneShot().describe());
        }
        if (n.entry() != null) {
            BootEntry e = n.entry();
            lines.add("  entry: " + e.title() + (e.id().isEmpty() ? "" : " (id " + e.id() + ")") + ", chosen by " + e.chosenBy());
            if (!e.cmdline().isEmpty()) {
                lines.add("  command line: " + e.kernel() + " " + e.cmdline());
            }
        }
        if (n.kernel() != null) {
            lines.add("  " + describe(n.kernel()));
        }
        n.warnings().forEach(w -> lines.add("warning: " + w));
        for (KernelReport k : n.others()) {
            lines.addAll(plainLines(k));
        }
        for (Mark.Line m : n.marks()) {
            lines.add("mark: " + (m.kernel().isEmpty() ? "" : "kernel " + m.kernel() + ": ") + m.reason()
                    + " (left in /" + Mark.PATH + " by the kernel/initramfs guard)");
        }
        return lines;
    }

    /** The text of {@code check --kernel}: the kernel's verdict, one line per reason, then warnings; escaped. */
    public static List<String> lines(KernelReport k) {
        return escaped(plainLines(k));
    }

    private static List<String> plainLines(KernelReport k) {
        List<String> lines = new ArrayList<>();
        String head = "kernel " + k.version() + ": ";
        if (k.reasons().isEmpty()) {
            lines.add(head + "protected (" + String.join(" ", k.initrds()) + ")");
        }
        for (Reason r : k.reasons()) {
            lines.add(head + (r.unknown() ? "cannot tell: " : "UNPROTECTED: ") + r.line());
        }
        k.warnings().forEach(w -> lines.add("warning: kernel " + k.version() + ": " + w));
        return lines;
    }

    /** The guard's lines for stderr, escaped: none when the kernel protects and nothing is worth a warning. */
    public static List<String> guardLines(KernelReport k) {
        return escaped(plainGuardLines(k));
    }

    private static List<String> plainGuardLines(KernelReport k) {
        List<String> lines = new ArrayList<>();
        String head = "overlayboot: kernel " + k.version() + ": ";
        for (Reason r : k.reasons()) {
            lines.add((r.unknown() ? "W: " + head + "cannot tell whether this initrd protects the root: "
                    : "E: " + head + "this initrd boots UNPROTECTED: ") + r.line());
        }
        k.warnings().forEach(w -> lines.add("W: " + head + w));
        if (!k.reasons().isEmpty()) {
            lines.add((k.outcome() == Outcome.UNPROTECTED ? "E: " : "W: ") + "overlayboot: noted in /" + Mark.PATH
                    + "; 'overlayboot check' shows it, and the next successful build of this initrd clears it");
        }
        return lines;
    }

    private static List<String> escaped(List<String> lines) {
        List<String> escaped = new java.util.ArrayList<>(lines.size());
        for (String line : lines) {
            escaped.add(OutsideText.escape(line));
        }
        return java.util.Collections.unmodifiableList(escaped);
    }

    /** The JSON object of {@code check}. */
    public static Map<String, Object> json(NextBoot n) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("verdict", n.outcome().label());
        m.put("reasons", reasons(n.reasons()));
        m.put("warnings", n.warnings());
        if (n.entry() == null) {
            m.put("entry", null);
        } else {
            BootEntry e = n.entry();
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("title", e.title());
            entry.put("id", e.id());
            entry.put("chosenBy", e.chosenBy());
            entry.put("kernelFile", e.kernel());
            entry.put("cmdline", e.cmdline());
            m.put("entry", entry);
        }
        m.put("kernel", n.kernel() == null ? null : kernel(n.kernel()));
        m.put("otherKernels", n.others().stream().map(CheckReport::kernel).toList());
        m.put("marks", marks(n.marks()));
        m.put("oneShot", oneShot(n.oneShot()));
        return m;
    }

    /** The JSON of a pending one-shot choice ({@code oneShot} in check's and status's objects); null for none. */
    public static Map<String, Object> oneShot(OneShot.Pending p) {
        if (p == null) {
            return null;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("choice", p.choice());
        m.put("via", p.via());
        m.put("entry", p.entry().isEmpty() ? null : p.entry());
        return m;
    }

    /** The JSON object of {@code check --kernel}: the same shape, for that kernel alone. */
    public static Map<String, Object> json(KernelReport k, List<Mark.Line> marks) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("verdict", k.outcome().label());
        m.put("reasons", reasons(k.reasons()));
        m.put("warnings", k.warnings());
        m.put("entry", null);
        m.put("kernel", kernel(k));
        m.put("otherKernels", List.of());
        m.put("marks", marks(marks));
        m.put("oneShot", null);
        return m;
    }

    private static List<Object> marks(List<Mark.Line> marks) {
        List<Object> list = new ArrayList<>();
        for (Mark.Line l : marks) {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("kernel", l.kernel());
            x.put("reason", l.reason());
            list.add(x);
        }
        return list;
    }

    private static Map<String, Object> kernel(KernelReport k) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("version", k.version());
        m.put("verdict", k.outcome().label());
        m.put("initrds", k.initrds());
        m.put("generator", k.generator().isEmpty() ? null : k.generator());
        m.put("settings", k.settings().values());
        m.put("reasons", reasons(k.reasons()));
        m.put("warnings", k.warnings());
        return m;
    }

    /** Each reason as the JSON object of {@code check} and {@code status} ({@code kind}, {@code text}, {@code hint}). */
    public static List<Object> reasons(List<Reason> reasons) {
        List<Object> list = new ArrayList<>();
        for (Reason r : reasons) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("kind", r.unknown() ? "unknown" : "unprotected");
            m.put("text", r.text());
            m.put("hint", r.hint().isEmpty() ? null : r.hint());
            list.add(m);
        }
        return list;
    }

    private static String describe(KernelReport k) {
        return "kernel " + k.version() + ", initrd " + String.join(" ", k.initrds())
                + (k.generator().isEmpty() ? "" : " (" + k.generator() + ")")
                + (k.settings().active() ? ", mode " + k.settings().values().get("mode") : "");
    }
}

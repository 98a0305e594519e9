package io.overlayboot.guard;

import io.overlayboot.files.AtomicFiles;
import io.overlayboot.settings.OutsideText;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The mark the kernel and initramfs guard leave when an initrd just built would boot unprotected:
 * {@value #PATH} under the target's root, one line per reason, {@code KERNEL<TAB>reason}, both
 * {@link OutsideText#escape escaped} to printable ASCII. A guard
 * run for a kernel replaces that kernel's lines (and drops those of kernels no longer installed);
 * the file is removed when no line is left. {@code check} and the login message show it.
 */
public final class Mark {
    /** Where the mark lives, relative to the root. */
    public static final String PATH = "var/lib/overlayboot/next-boot-unprotected";

    /** One line of the mark: a kernel and one reason its initrd will not protect. */
    public record Line(String kernel, String reason) {}

    private Mark() {}

    /** The lines of the mark under {@code root}; none when there is no mark. */
    static List<Line> read(InRoot root) {
        Optional<Path> file = root.find(PATH);
        if (file.isEmpty() || !Files.isRegularFile(file.get())) {
            return List.of();
        }
        try {
            List<Line> lines = new ArrayList<>();
            for (String l : Files.readAllLines(file.get(), StandardCharsets.UTF_8)) {
                int tab = l.indexOf('\t');
                if (tab > 0) {
                    lines.add(new Line(l.substring(0, tab), l.substring(tab + 1)));
                } else if (!l.isBlank()) {
                    lines.add(new Line("", l));
                }
            }
            return lines;
        } catch (IOException e) {
            return List.of(new Line("", "the mark " + "/" + PATH + " exists but cannot be read: " + e.getMessage()));
        }
    }

    /**
     * Replaces the lines of {@code report}'s kernel by its reasons; drops lines of kernels for which
     * {@code installed} is false. Writes atomically; removes the file when it would be empty.
     */
    static void update(InRoot root, KernelReport report, Predicate<String> installed) throws IOException {
        String kernel = OutsideText.escape(report.version());
        List<String> kept = new ArrayList<>();
        for (Line l : read(root)) {
            if (!l.kernel().equals(kernel) && installed.test(l.kernel())) {
                kept.add(l.kernel() + "\t" + l.reason());
            }
        }
        for (Reason r : report.reasons()) {
            kept.add(kernel + "\t" + OutsideText.escape((r.unknown() ? "cannot tell: " : "") + r.line()));
        }
        Path file = root.resolve(PATH);
        if (kept.isEmpty()) {
            if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
                AtomicFiles.delete(file);
            }
            return;
        }
        Files.createDirectories(file.getParent());
        AtomicFiles.write(file, (String.join("\n", kept) + "\n").getBytes(StandardCharsets.UTF_8),
                PosixFilePermissions.fromString("rw-r--r--"));
    }
}

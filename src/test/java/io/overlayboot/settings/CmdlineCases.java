package io.overlayboot.settings;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shared table of kernel command lines ({@code cmdline-cases.tsv}), run by the Java parser,
 * the shell script's plan mode and the helper, so all three agree.
 */
public final class CmdlineCases {
    /**
     * One row.
     *
     * @param name the row's name
     * @param cmdline the text of /proc/cmdline
     * @param config the text of /etc/overlayboot.conf, or null when there is none
     * @param expect the expectations, space separated
     */
    public record Case(String name, String cmdline, String config, List<String> expect) {
        @Override
        public String toString() {
            return name;
        }
    }

    private CmdlineCases() {}

    public static List<Case> all() {
        try (InputStream in = CmdlineCases.class.getResourceAsStream("cmdline-cases.tsv")) {
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            List<Case> cases = new ArrayList<>();
            for (String line : text.split("\n")) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] f = line.split("\t", -1);
                if (f.length != 4) {
                    throw new IllegalStateException("cmdline-cases.tsv: expected 4 columns in: " + line);
                }
                String config = f[2].equals("-") ? null : f[2].replace("\\n", "\n");
                cases.add(new Case(f[0], f[1], config, List.of(f[3].trim().split(" +"))));
            }
            return List.copyOf(cases);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
    /** The expected outcome of a real boot of this row ({@code boot=...}), or empty: not booted. */
    public static java.util.Optional<String> bootOutcome(Case c) {
        return c.expect().stream().filter(e -> e.startsWith("boot=")).map(e -> e.substring(5)).findFirst();
    }

    /** Checks a resolution against one row's expectations; shared with the shell plan test. */
    public static void assertMeetsExpectations(CmdlineCases.Case c, List<String> planLines) {
        List<String> warnings = planLines.stream().filter(l -> l.startsWith("warning: ")).toList();
        for (String e : c.expect()) {
            if (e.startsWith("boot=")) {
                continue; // the outcome of a real boot: io.overlayboot.helper.ConformanceTest
            } else if (e.startsWith("warnings=")) {
                assertThat(warnings).as("%s: warnings", c.name()).hasSize(Integer.parseInt(e.substring(9)));
            } else if (e.startsWith("warn~")) {
                assertThat(warnings).as("%s: a warning names %s", c.name(), e.substring(5))
                        .anyMatch(w -> w.contains(e.substring(5)));
            } else {
                assertThat(planLines).as("%s: %s", c.name(), e).contains(e);
            }
        }
    }

    /** Command-line words, valid and malformed, for the properties here and the shell agreement test. */
    public static Arbitrary<List<String>> anyTokens() {
        Arbitrary<String> value = Arbitraries.oneOf(
                Arbitraries.of("tmpfs", "device", "disabled", "tmpf", "", "LABEL=x", "UUID=ab-12", "/dev/vdb", "/dev//x"),
                Arbitraries.strings().withChars("abcLABEL=%:,/.-0129").ofMaxLength(10));
        Arbitrary<String> option = Combinators.combine(
                        Arbitraries.of("size", "sise", "dev", "timeout", "fstype", "dir", "swap", "recurse", "driver",
                                "onerror", "fallback", "helper", "debug", "mode", "persist", "store", ""),
                        Arbitraries.of("=", "", "=="),
                        Arbitraries.of("1", "0", "50%", "2G", "lots", "overlay", "aufs", "panic", "none", "jvm",
                                "LABEL=d", "ext4", "a/b", "../x", "", "3600", "3601", "/etc/x+@logs", "/proc/x",
                                "@docker", "@nope", "/a/../b", "/", "/x/", "+/y++/z"))
                .as((n, eq, v) -> n + eq + v);
        Arbitrary<String> overlayboot = Combinators.combine(
                        Arbitraries.of("tmpfs", "device", "disabled", "tmpf", ""),
                        Arbitraries.of(":", ""),
                        option.list().ofMaxSize(4))
                .as((head, colon, opts) -> "overlayboot=" + head + colon + String.join(",", opts));
        Arbitrary<String> token = Arbitraries.oneOf(
                value.map(v -> "aufs=" + v), overlayboot,
                Arbitraries.of("ro", "quiet", "root=/dev/vda", "overlayroot=tmpfs", "BOOT_IMAGE=/vmlinuz"));
        return token.list().ofMinSize(0).ofMaxSize(5);
    }

    /** {@link #anyTokens()} as a jqwik supplier, for {@code @ForAll(supplier = ...)}. */
    public static final class AnyTokens implements net.jqwik.api.ArbitrarySupplier<List<String>> {
        @Override
        public Arbitrary<List<String>> get() {
            return anyTokens();
        }
    }
}

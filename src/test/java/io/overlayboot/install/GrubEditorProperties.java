package io.overlayboot.install;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Generated {@code /etc/default/grub} files: quotes, escapes, comments, continuation lines,
 * several assignments or none at all, parameters typed by hand.
 */
class GrubEditorProperties {
    private static final String KEY = "aufs";

    @Property(tries = 500)
    void addThenRemoveGivesBackTheExactText(@ForAll("grubFilesWithoutTheParameter") String text,
            @ForAll("params") String param) {
        String added = GrubEditor.add(text, param);
        assertThat(GrubEditor.remove(added, KEY)).isEqualTo(text);
    }

    @Property(tries = 500)
    void addingTwiceEqualsAddingOnce(@ForAll("grubFiles") String text, @ForAll("params") String param) {
        String once = GrubEditor.add(text, param);
        assertThat(GrubEditor.add(once, param)).isEqualTo(once);
    }

    @Property(tries = 500)
    void afterAddTheEffectiveValueCarriesTheParameterExactlyOnceAndNothingElseHasIt(
            @ForAll("grubFiles") String text, @ForAll("params") String param) {
        String added = GrubEditor.add(text, param);
        List<GrubScanner.Assignment> all = GrubScanner.scan(added);
        assertThat(all.getLast().tokens()).containsOnlyOnce(param);
        long keyed = all.stream().mapToLong(a -> a.tokensWithKey(KEY).size()).sum();
        assertThat(keyed).isEqualTo(1);
    }

    /** What {@code sh} itself reads from the edited file: the old words without aufs=..., then the parameter. */
    @Property(tries = 60)
    void theShellSeesTheOldParametersPlusTheNewOne(@ForAll("grubFiles") String text, @ForAll("params") String param)
            throws Exception {
        List<String> before = effectiveWords(text);
        List<String> after = effectiveWords(GrubEditor.add(text, param));
        List<String> others = before.stream().filter(w -> !isKeyed(w)).toList();
        assertThat(after).containsOnlyOnce(param);
        assertThat(after.stream().filter(GrubEditorProperties::isKeyed).toList()).containsExactly(param);
        assertThat(after.stream().filter(w -> !isKeyed(w)).toList()).isEqualTo(others);
        if (others.size() == before.size()) {
            assertThat(after.getLast()).isEqualTo(param);
        }
    }

    private static boolean isKeyed(String word) {
        return word.equals(KEY) || word.startsWith(KEY + "=");
    }

    private static List<String> effectiveWords(String text) throws Exception {
        java.nio.file.Path file = java.nio.file.Files.createTempFile("grub", ".sh");
        try {
            java.nio.file.Files.writeString(file, text);
            Process p = new ProcessBuilder("sh", "-c", ". \"$0\" >/dev/null 2>&1; printf %s \"$GRUB_CMDLINE_LINUX_DEFAULT\"",
                    file.toString()).redirectErrorStream(false).start();
            String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertThat(p.waitFor()).isZero();
            return out.isBlank() ? List.of() : List.of(out.strip().split("\\s+"));
        } finally {
            java.nio.file.Files.delete(file);
        }
    }

    @Provide
    Arbitrary<String> params() {
        return Arbitraries.of("aufs=tmpfs", "aufs=LABEL=data", "aufs=/dev/sdb1", "aufs=UUID=0f3c-99aa");
    }

    @Provide
    Arbitrary<String> grubFiles() {
        return files(true);
    }

    @Provide
    Arbitrary<String> grubFilesWithoutTheParameter() {
        return files(false);
    }

    static Arbitrary<String> files(boolean handTyped) {
        Arbitrary<String> line = Arbitraries.oneOf(
                Arbitraries.of("", "# comment", "#GRUB_CMDLINE_LINUX_DEFAULT=\"aufs=x\"", "GRUB_TIMEOUT=5",
                        "GRUB_DISTRIBUTOR=`lsb_release -i -s 2> /dev/null || echo Debian`",
                        "GRUB_CMDLINE_LINUX=\"console=ttyS0 \\\n  net.ifnames=0\"", "GRUB_X='a\nGRUB_CMDLINE_LINUX_DEFAULT=b'",
                        "  # indented comment", "export GRUB_TERMINAL=console"),
                assignment(handTyped));
        Arbitrary<String> body = line.list().ofMaxSize(8).map(lines -> String.join("\n", lines));
        return Combinators.combine(body, Arbitraries.of("", "\n")).as((b, end) -> b + end);
    }

    private static Arbitrary<String> assignment(boolean handTyped) {
        Arbitrary<String> word = handTyped
                ? Arbitraries.of("quiet", "splash", "console=ttyS0,115200", "aufs=tmpfs", "aufs=LABEL=old", "aufs")
                : Arbitraries.of("quiet", "splash", "console=ttyS0,115200", "init=/bin/sh", "aufsx=1", "a-aufs=2");
        Arbitrary<List<String>> words = word.list().ofMaxSize(4);
        Arbitrary<String> prefix = Arbitraries.of("", "export ", "  ");
        Arbitrary<String> comment = Arbitraries.of("", " # note", "\t# \"quoted\" 'note'");
        Arbitrary<String> value = Combinators.combine(words, Arbitraries.of(0, 1, 2, 3), Arbitraries.of(" ", "  ", "\t"),
                Arbitraries.of("", " ", "\\\n  ")).as((ws, style, sep, edge) -> switch (style) {
                    case 0 -> "\"" + edgeFor(edge, ws) + String.join(sep, ws) + "\"";
                    case 1 -> "\"$GRUB_CMDLINE_LINUX_DEFAULT" + (ws.isEmpty() ? "" : sep + String.join(sep, ws)) + "\"";
                    case 2 -> "'" + (edge.equals(" ") ? " " : "") + String.join(sep.replace("\\\n", " "), ws) + "'";
                    default -> String.join("\\ ", ws);
                });
        return Combinators.combine(prefix, value, comment).as((p, v, c) -> p + GrubEditor.VARIABLE + "=" + v + c);
    }

    private static String edgeFor(String edge, List<String> words) {
        return words.isEmpty() ? "" : edge;
    }
}

package io.overlayboot.install;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class UnifiedDiffTest {
    @Test
    void looksLikeDiffU() {
        String before = "a\nb\nc\nd\ne\nf\ng\nh\n";
        String after = "a\nb\nc\nD\ne\nf\ng\nh\n";
        assertThat(UnifiedDiff.diff("a/x", before, "b/x", after)).isEqualTo("""
                --- a/x
                +++ b/x
                @@ -1,7 +1,7 @@
                 a
                 b
                 c
                -d
                +D
                 e
                 f
                 g
                """);
        assertThat(UnifiedDiff.diff("a/x", null, "b/x", "new\n")).isEqualTo("--- /dev/null\n+++ b/x\n@@ -0,0 +1 @@\n+new\n");
        assertThat(UnifiedDiff.diff("a/x", "same", "b/x", "same")).isEmpty();
    }

    /** GNU patch, given our diff, turns the old text into the new one. */
    @Property(tries = 40)
    void patchAppliesIt(@ForAll("texts") String before, @ForAll("texts") String after) throws Exception {
        Path dir = Files.createTempDirectory("diff");
        try {
            Path file = Files.writeString(dir.resolve("f"), before);
            Path patch = Files.writeString(dir.resolve("p"), UnifiedDiff.diff("a/f", before, "b/f", after));
            Process p = new ProcessBuilder("patch", "-s", "-p1", "-d", dir.toString(), "-i", patch.toString())
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            assertThat(p.waitFor()).as(out).isZero();
            assertThat(Files.readString(file)).isEqualTo(after);
        } finally {
            try (var s = Files.walk(dir)) {
                s.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    @Provide
    Arbitrary<String> texts() {
        return Arbitraries.of("a", "b", "c", "quiet", "").list().ofMinSize(1).ofMaxSize(25)
                .map(lines -> String.join("\n", lines) + "\n");
    }
}

package io.overlayboot.install;

import static org.assertj.core.api.Assertions.assertThat;

import io.overlayboot.sys.Exec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The GRUB editor on the real-world files in {@code grub/fixtures/}. */
class GrubFixturesTest {
    static Stream<Path> fixtures() throws IOException {
        return Files.list(DebianTree.GRUB_FIXTURES).filter(p -> p.toString().endsWith(".grub")).sorted();
    }

    private static String shRead(String text) {
        Exec.Result r = Exec.run(List.of("/bin/sh", "-c", text + "\nprintf '%s' \"$GRUB_CMDLINE_LINUX_DEFAULT\""),
                Duration.ofSeconds(10));
        return r.stdout();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void addCarriesTheParameterOnceAndKeepsTheOtherParameters(Path fixture) throws IOException {
        String before = Files.readString(fixture);
        String after = GrubEditor.add(before, "aufs=tmpfs");
        List<String> was = List.of(shRead(before).split(" +"));
        List<String> now = List.of(shRead(after).split(" +"));
        assertThat(now).containsOnlyOnce("aufs=tmpfs");
        assertThat(now).containsAll(was.stream().filter(w -> !w.isEmpty() && !w.startsWith("aufs=")).toList());
        assertThat(now.stream().filter(w -> w.startsWith("aufs="))).containsExactly("aufs=tmpfs");
        assertThat(GrubEditor.add(after, "aufs=tmpfs")).isEqualTo(after);
        // every line that does not set the variable is kept byte for byte
        List<String> otherBefore = before.lines().filter(l -> !l.contains("GRUB_CMDLINE_LINUX_DEFAULT")).toList();
        List<String> otherAfter = after.lines().filter(l -> !l.contains("GRUB_CMDLINE_LINUX_DEFAULT")).toList();
        assertThat(otherAfter).isEqualTo(otherBefore);
    }

    /** Fixtures without a hand-typed aufs= (add replaces one; removal cannot know it was there). */
    static Stream<Path> fixturesWithoutAufs() throws IOException {
        return fixtures().filter(p -> {
            try {
                return !Files.readString(p).contains("aufs=");
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixturesWithoutAufs")
    void removeAfterAddGivesBackTheExactBytes(Path fixture) throws IOException {
        String before = Files.readString(fixture);
        assertThat(GrubEditor.remove(GrubEditor.add(before, "aufs=tmpfs"), "aufs")).isEqualTo(before);
    }
}

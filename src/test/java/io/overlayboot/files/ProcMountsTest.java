package io.overlayboot.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.List;
import org.junit.jupiter.api.Test;

class ProcMountsTest {
    @Test
    void fieldsAreUnescapedAndTheLastMountAtAPointIsTheVisibleOne() throws Exception {
        ProcMounts t = ProcMounts.parse(List.of(
                "/dev/vda1 / ext4 rw,relatime 0 0",
                "",
                "my\\040disk /srv/my\\040data ext4 ro,relatime 0 0",
                "tmpfs /srv/my\\040data tmpfs rw 0 0",
                "tmpfs /back\\134slash\\011tab tmpfs rw 0 0"));
        assertThat(t.points()).containsExactly("/", "/srv/my data", "/back\\slash\ttab");
        assertThat(t.at("/srv/my data")).hasValueSatisfying(m -> {
            assertThat(m.type()).isEqualTo("tmpfs");
            assertThat(m.readOnly()).isFalse();
        });
        assertThat(t.mounts().get(1).source()).isEqualTo("my disk");
        assertThat(t.mounts().get(1).readOnly()).isTrue();
        assertThat(t.isMountPoint("/srv/my\\040data")).isFalse();
    }

    @Test
    void aLineThatIsNoMountIsNamedByNumber() {
        var e = catchThrowableOfType(ProcMounts.MalformedLine.class,
                () -> ProcMounts.parse(List.of("/dev/vda1 / ext4 rw 0 0", "nonsense")));
        assertThat(e.number()).isEqualTo(2);
        assertThat(e.line()).isEqualTo("nonsense");
    }

    @Test
    void unescapeLeavesWhatIsNoOctalEscapeAlone() {
        assertThat(ProcMounts.unescape("a\\040b")).isEqualTo("a b");
        assertThat(ProcMounts.unescape("a\\04")).isEqualTo("a\\04");
        assertThat(ProcMounts.unescape("a\\x")).isEqualTo("a\\x");
    }

    @Test
    void fieldsSplitAsTheRegexDidOnBlanksAndTabs() {
        for (String line : List.of("/dev/vda1 / ext4 rw,relatime 0 0", "  a\t\t/b  c \t d  ", "a", "",
                "\ta /b", "a\u000b /b c d", "a\r /b c d\r")) {
            String stripped = line.strip();
            List<String> byRegex = stripped.isEmpty() ? List.of() : List.of(stripped.split("[ \t]+"));
            assertThat(ProcMounts.fields(stripped)).as(line).isEqualTo(byRegex);
        }
    }
}

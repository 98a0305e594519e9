package io.overlayboot.render;

import static org.assertj.core.api.Assertions.assertThat;

import io.overlayboot.sys.Exec;
import java.time.Duration;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.CharRange;
import net.jqwik.api.constraints.Chars;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

class ShellQuoteTest {
    @Test
    void safeWordsStayAsTheyAre() {
        assertThat(ShellQuote.quote("LABEL=data")).isEqualTo("LABEL=data");
        assertThat(ShellQuote.quote("50%")).isEqualTo("50%");
    }

    @Test
    void everythingElseIsSingleQuoted() {
        assertThat(ShellQuote.quote("")).isEqualTo("''");
        assertThat(ShellQuote.quote("a b")).isEqualTo("'a b'");
        assertThat(ShellQuote.quote("it's")).isEqualTo("'it'\\''s'");
        assertThat(ShellQuote.quote("$(reboot)")).isEqualTo("'$(reboot)'");
    }

    /** What sh reads back from the quoted word is exactly the original text. */
    @Property(tries = 200)
    void shReadsBackTheExactValue(@ForAll @StringLength(max = 20) @CharRange(from = ' ', to = '~')
            @Chars({'\n', '\t'}) String value) {
        Exec.Result r = Exec.run(List.of("/bin/dash", "-c", "printf '%s' " + ShellQuote.quote(value)), Duration.ofSeconds(10));
        assertThat(r.stdout()).isEqualTo(value);
    }
}

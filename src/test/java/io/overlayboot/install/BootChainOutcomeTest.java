package io.overlayboot.install;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class BootChainOutcomeTest {
    @Test
    void theJsonNamesAreTheOnesDocsJsonMdDocuments() throws Exception {
        Matcher m = Pattern.compile("\"bootChain\": \\{\"enum\": \\[([^\\]]*)\\]").matcher(Files.readString(Path.of("docs/json.md")));
        assertThat(m.find()).isTrue();
        assertThat(Arrays.stream(BootChainOutcome.values()).map(o -> "\"" + o.jsonName() + "\"").toList())
                .containsExactlyInAnyOrder(m.group(1).split(",\\s*"));
        assertThat(BootChainOutcome.WOULD_RUN.jsonName()).isEqualTo("would-run");
    }
}

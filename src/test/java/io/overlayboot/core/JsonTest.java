package io.overlayboot.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

/** The JSON facade: what it writes, what it reads back, and what it refuses. */
class JsonTest {
    @Test
    void writesOneLineInTheOrderGiven() {
        Map<String, Object> value = Json.object("b", 1, "a", List.of(true, false), "n", null, "big", 1L << 40,
                "neg", -3, "frac", 0.5, "nested", Json.object("x", "y"), "empty", Map.of(), "none", List.of());

        assertThat(Json.write(value)).isEqualTo("{\"b\":1,\"a\":[true,false],\"n\":null,\"big\":1099511627776,"
                + "\"neg\":-3,\"frac\":0.5,\"nested\":{\"x\":\"y\"},\"empty\":{},\"none\":[]}");
    }

    @Test
    void quotesWhatMustBeQuoted() {
        assertThat(Json.write("a\"b\\c\nd\te\u0001f/é")).isEqualTo("\"a\\\"b\\\\c\\nd\\te\\u0001f/é\"");
    }

    @Test
    void refusesWhatIsNotAJsonValueInsteadOfWritingItsToString() {
        assertThatThrownBy(() -> Json.write(Json.object("file", Path.of("/etc"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cannot write file as JSON").hasMessageContaining("Path");
        assertThatThrownBy(() -> Json.write(Map.of(1, "x"))).hasMessageContaining("key must be text");
    }

    @Test
    void writesIndentedForFilesPeopleRead() {
        assertThat(Json.writePretty(Json.object("a", List.of(1, 2), "b", Map.of(), "c", List.of(), "d", Json.object("e", "f"))))
                .isEqualTo("""
                        {
                          "a": [
                            1,
                            2
                          ],
                          "b": {},
                          "c": [],
                          "d": {
                            "e": "f"
                          }
                        }
                        """);
    }

    @Test
    void parsesNumbersOfEveryKind() {
        Object v = Json.parse("{\"i\": 1, \"l\": 12345678901, \"neg\": -2, \"f\": 1.25, \"e\": 1e3}");

        assertThat(v).isInstanceOfSatisfying(Map.class, m -> {
            assertThat(((Number) m.get("i")).intValue()).isEqualTo(1);
            assertThat(((Number) m.get("l")).longValue()).isEqualTo(12345678901L);
            assertThat(((Number) m.get("neg")).intValue()).isEqualTo(-2);
            assertThat(((Number) m.get("f")).doubleValue()).isEqualTo(1.25);
            assertThat(((Number) m.get("e")).doubleValue()).isEqualTo(1000.0);
        });
    }

    @Test
    void aMalformedDocumentIsOneLineNamingWhere() {
        assertThatThrownBy(() -> Json.parse("{\n  \"a\": tru\n}"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("line 2")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
        assertThatThrownBy(() -> Json.parse("{} {}")).hasMessageContaining("unexpected text after the value");
        assertThatThrownBy(() -> Json.parse("{\"a\": ")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void streamsADocumentPieceByPiece() {
        StringWriter out = new StringWriter();
        try (Json.Stream s = Json.stream(out)) {
            s.startObject().field("file", "a\"b").startArray("entries");
            s.value(Json.object("n", 1)).value(Json.object("n", 2));
            s.endArray().field("count", 2).endObject();
        }

        assertThat(out.toString()).isEqualTo("{\"file\":\"a\\\"b\",\"entries\":[{\"n\":1},{\"n\":2}],\"count\":2}");
        assertThat(Json.parse(out.toString())).isInstanceOf(Map.class);
    }

    @Property
    void anyStringSurvivesTheRoundTrip(@ForAll String text) {
        assertThat(Json.parse(Json.write(List.of(text)))).isEqualTo(List.of(text));
        assertThat(Json.parse(Json.writePretty(Json.object(text, text)))).isEqualTo(Map.of(text, text));
    }

    @Property
    void anyLongSurvivesTheRoundTrip(@ForAll long n) {
        assertThat(((Number) ((List<?>) Json.parse(Json.write(List.of(n)))).getFirst()).longValue()).isEqualTo(n);
    }

    @Test
    void arraysOfStringsAreLists() {
        assertThat(Json.parse("[\"a\",\"b\"]")).isEqualTo(Arrays.asList("a", "b"));
    }
}

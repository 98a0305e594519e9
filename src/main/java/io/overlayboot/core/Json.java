package io.overlayboot.core;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.PrettyPrinter;
import com.fasterxml.jackson.core.util.Instantiatable;
import com.fasterxml.jackson.jr.ob.JSON;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Every JSON overlayboot writes or reads, in one place: the {@code --json} output of each command
 * (one line; schemas in {@code docs/json.md}) and the install manifest (indented, read back).
 * Values are {@code null}, {@link String}, {@link Boolean}, {@link Number}, {@link Map} (string
 * keys, written in iteration order) and {@link Collection}; anything else is a bug and is refused
 * with {@link IllegalArgumentException} rather than written as its {@code toString()}.
 *
 * <p>A facade over jackson-jr ({@code com.fasterxml.jackson.jr:jackson-jr-objects}, with
 * jackson-core under it: about 700 KB, no databind). It replaced a hand-written writer and parser
 * (integers only, no tests, its own quoting) and the second writer of the initrd listing. Chosen
 * over jackson-databind for its start-up cost, which every command pays. Measured with hyperfine,
 * {@code java -XX:AOTCache=... -jar overlayboot.jar status --json}, the jar before and after side by
 * side, each with its own AOT cache (2 shared cores, load 17, so wall times scatter): with the AOT
 * cache 0.622 s user CPU before, 0.627 s after (wall 2.34 s and 2.37 s, ± 0.5 s); without it
 * 0.731 s and 0.829 s. The table and the method are in {@code docs/json.md}, "Start-up cost".
 *
 * <p>Parsed numbers are {@link Integer}, {@link Long} or {@link java.math.BigInteger} (whole) and
 * {@link Double} (fractions); callers compare through {@link Number}. Parse errors are an
 * {@link IllegalArgumentException} whose one-line message names the line and column.
 */
public final class Json {
    private static final JsonFactory FACTORY = JsonFactory.builder()
            .disable(com.fasterxml.jackson.core.StreamWriteFeature.AUTO_CLOSE_TARGET)
            .build();
    private static final JSON LINE = JSON.builder(FACTORY)
            .enable(JSON.Feature.WRITE_NULL_PROPERTIES, JSON.Feature.PRESERVE_FIELD_ORDERING)
            .disable(JSON.Feature.HANDLE_JAVA_BEANS)
            .build();
    private static final JSON PRETTY = LINE.with(new Indented());

    private Json() {}

    /** A map from alternating keys and values, in order. */
    public static Map<String, Object> object(Object... keysAndValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }

    /** One line, for {@code --json}. */
    public static String write(Object value) {
        check(value, "the value");
        try {
            return LINE.asString(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Indented by two spaces, one element per line, ending in a newline, for files people read too. */
    public static String writePretty(Object value) {
        check(value, "the value");
        try {
            return PRETTY.asString(value) + "\n";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Parses one JSON value; {@link IllegalArgumentException} says where it is malformed. */
    public static Object parse(String text) {
        try (JsonParser parser = FACTORY.createParser(text)) {
            Object value = LINE.anyFrom(parser);
            if (parser.nextToken() != null) {
                throw new IllegalArgumentException("unexpected text after the value at line "
                        + parser.currentLocation().getLineNr() + ", column " + parser.currentLocation().getColumnNr());
            }
            return value;
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? ""
                    : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
            throw new IllegalArgumentException(e.getOriginalMessage().lines().findFirst().orElse("malformed JSON") + where, e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A JSON document written piece by piece to {@code out}, for output too long to hold at once
     * (an initrd's listing); {@link Stream#close()} flushes but leaves {@code out} open.
     */
    public static Stream stream(Writer out) {
        try {
            return new Stream(FACTORY.createGenerator(out));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** See {@link #stream(Writer)}: objects and arrays opened and closed in order, values written whole. */
    public static final class Stream implements Closeable {
        private final JsonGenerator out;

        private Stream(JsonGenerator out) {
            this.out = out;
        }

        public Stream startObject() {
            return io(() -> out.writeStartObject());
        }

        /** Opens an array as the field {@code name} of the current object. */
        public Stream startArray(String name) {
            return io(() -> out.writeArrayFieldStart(name));
        }

        /** A field of the current object. */
        public Stream field(String name, Object value) {
            check(value, name);
            return io(() -> {
                out.writeFieldName(name);
                LINE.write(value, out);
            });
        }

        /** An element of the current array. */
        public Stream value(Object value) {
            check(value, "an element");
            return io(() -> LINE.write(value, out));
        }

        public Stream endArray() {
            return io(() -> out.writeEndArray());
        }

        public Stream endObject() {
            return io(() -> out.writeEndObject());
        }

        @Override
        public void close() {
            io(() -> out.close());
        }

        private interface Step {
            void run() throws IOException;
        }

        private Stream io(Step step) {
            try {
                step.run();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return this;
        }
    }

    /** Refuses what is not a JSON value, before anything is written. */
    private static void check(Object value, String where) {
        // instanceof, not a type switch: its bootstrap spins a class with the classfile API at
        // every start that writes JSON (status --json), which the AOT cache does not keep
        if (value == null || value instanceof String || value instanceof Boolean || value instanceof Number) {
            return;
        }
        if (value instanceof Map<?, ?> m) {
            for (Map.Entry<?, ?> e : m.entrySet()) {
                if (!(e.getKey() instanceof String key)) {
                    throw new IllegalArgumentException("a JSON object key must be text, not " + e.getKey());
                }
                check(e.getValue(), key);
            }
        } else if (value instanceof Collection<?> c) {
            for (Object v : c) {
                check(v, where);
            }
        } else {
            throw new IllegalArgumentException("cannot write " + where + " as JSON: a "
                    + value.getClass().getName() + " (give a string, number, boolean, map or list)");
        }
    }

    /**
     * The manifest's layout, as the hand-written writer had it: two-space indent, one element per
     * line, {@code "key": value}, empty containers as {@code {}} and {@code []}.
     */
    private static final class Indented implements PrettyPrinter, Instantiatable<Indented> {
        private int depth;

        @Override
        public Indented createInstance() {
            return new Indented();
        }

        private void newline(JsonGenerator g) throws IOException {
            g.writeRaw('\n');
            for (int i = 0; i < depth; i++) {
                g.writeRaw("  ");
            }
        }

        @Override
        public void writeRootValueSeparator(JsonGenerator g) throws IOException {
            g.writeRaw('\n');
        }

        @Override
        public void writeStartObject(JsonGenerator g) throws IOException {
            g.writeRaw('{');
            depth++;
        }

        @Override
        public void beforeObjectEntries(JsonGenerator g) throws IOException {
            newline(g);
        }

        @Override
        public void writeObjectFieldValueSeparator(JsonGenerator g) throws IOException {
            g.writeRaw(": ");
        }

        @Override
        public void writeObjectEntrySeparator(JsonGenerator g) throws IOException {
            g.writeRaw(',');
            newline(g);
        }

        @Override
        public void writeEndObject(JsonGenerator g, int entries) throws IOException {
            depth--;
            if (entries > 0) {
                newline(g);
            }
            g.writeRaw('}');
        }

        @Override
        public void writeStartArray(JsonGenerator g) throws IOException {
            g.writeRaw('[');
            depth++;
        }

        @Override
        public void beforeArrayValues(JsonGenerator g) throws IOException {
            newline(g);
        }

        @Override
        public void writeArrayValueSeparator(JsonGenerator g) throws IOException {
            g.writeRaw(',');
            newline(g);
        }

        @Override
        public void writeEndArray(JsonGenerator g, int values) throws IOException {
            depth--;
            if (values > 0) {
                newline(g);
            }
            g.writeRaw(']');
        }
    }
}

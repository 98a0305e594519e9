package io.overlayboot.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The JSON Schemas of {@code docs/json.md}, one per command: each {@code ## } section names its
 * commands as {@code `overlayboot NAME --json`} (or {@code `NAME --json`}) and holds one
 * {@code ```json} block, the schema.
 */
public final class JsonSchemas {
    private static final Path DOC = Path.of("docs/json.md");
    private static final Pattern COMMAND = Pattern.compile("`(?:overlayboot )?([a-z][a-z-]*) --json`");
    private static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
    private static Map<String, String> schemas;

    private JsonSchemas() {}

    /** Command name to the text of its schema. */
    public static synchronized Map<String, String> all() {
        if (schemas == null) {
            schemas = parse(read());
        }
        return schemas;
    }

    /** Fails unless {@code output} (one command's stdout) matches the schema documented for {@code command}. */
    public static void assertMatches(String command, String output) {
        assertThat(errors(command, output)).as("%s --json printed %s", command, output).isEmpty();
    }

    /** What is wrong with {@code output} against {@code command}'s schema; empty when nothing is. */
    public static List<String> errors(String command, String output) {
        String schema = all().get(command);
        assertThat(schema).as("docs/json.md has a schema for '%s --json'", command).isNotNull();
        Schema s = REGISTRY.getSchema(schema);
        return s.validate(output.strip(), InputFormat.JSON).stream().map(Error::toString).toList();
    }

    static Map<String, String> parse(String markdown) {
        Map<String, String> found = new LinkedHashMap<>();
        List<String> commands = List.of();
        StringBuilder block = null;
        for (String line : markdown.split("\n", -1)) {
            if (block != null) {
                if (line.equals("```")) {
                    for (String c : commands) {
                        found.put(c, block.toString());
                    }
                    commands = List.of();
                    block = null;
                } else {
                    block.append(line).append('\n');
                }
            } else if (line.startsWith("## ")) {
                Matcher m = COMMAND.matcher(line);
                commands = m.results().map(r -> r.group(1)).toList();
            } else if (line.equals("```json") && !commands.isEmpty()) {
                block = new StringBuilder();
            }
        }
        return found;
    }

    private static String read() {
        try {
            return Files.readString(DOC);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

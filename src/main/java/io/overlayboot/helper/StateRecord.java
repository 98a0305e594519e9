package io.overlayboot.helper;

import io.overlayboot.settings.OutsideText;
import io.overlayboot.settings.Resolution;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * The record of a boot's outcome at {@code /run/overlayboot/state}, read later by the runtime
 * tools, with the same lines as the boot script's {@code ob_record}: {@code status=}
 * (protected, unprotected or failed), {@code message=}, {@code active=}, every resolved setting
 * as {@code name=value}, {@code upper=}, {@code union=}, then one {@code warning=} per warning.
 * Every value is written through {@link OutsideText#escape}: one line each, printable ASCII only.
 */
final class StateRecord {
    private StateRecord() {}

    static String text(String status, String message, Resolution resolution, String upper, String union,
            List<String> warnings) {
        return text(status, message, resolution, upper, union, List.of(), List.of(), warnings);
    }

    /** With the persisted paths ({@code persisted=}) and those that stayed volatile ({@code volatile=}). */
    static String text(String status, String message, Resolution resolution, String upper, String union,
            List<String> persisted, List<String> volatileOnes, List<String> warnings) {
        StringBuilder text = new StringBuilder();
        line(text, "status", status);
        line(text, "message", message);
        line(text, "active", resolution.active() ? "1" : "0");
        resolution.values().forEach((k, v) -> line(text, k, v));
        line(text, "upper", upper);
        line(text, "union", union);
        persisted.forEach(p -> line(text, "persisted", p));
        volatileOnes.forEach(p -> line(text, "volatile", p));
        warnings.forEach(w -> line(text, "warning", w));
        return text.toString();
    }

    /** One {@code key=value} line; the value escaped, so no value can forge a line (as {@code ob_record}). */
    private static void line(StringBuilder text, String key, String value) {
        text.append(key).append('=').append(OutsideText.escape(value)).append('\n');
    }

    /** Writes {@code text} to {@code file} through a temporary file, as the script does. */
    static void write(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        Path temporary = file.resolveSibling(file.getFileName() + ".new");
        Files.writeString(temporary, text, StandardCharsets.UTF_8);
        Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
    }
}

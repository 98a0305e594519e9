package io.overlayboot.helper;

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
 */
final class StateRecord {
    private StateRecord() {}

    static String text(String status, String message, Resolution resolution, String upper, String union,
            List<String> warnings) {
        StringBuilder text = new StringBuilder();
        text.append("status=").append(status).append('\n');
        text.append("message=").append(message).append('\n');
        text.append("active=").append(resolution.active() ? 1 : 0).append('\n');
        resolution.values().forEach((k, v) -> text.append(k).append('=').append(v).append('\n'));
        text.append("upper=").append(upper).append('\n');
        text.append("union=").append(union).append('\n');
        warnings.forEach(w -> text.append("warning=").append(w).append('\n'));
        return text.toString();
    }

    /** Writes {@code text} to {@code file} through a temporary file, as the script does. */
    static void write(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        Path temporary = file.resolveSibling(file.getFileName() + ".new");
        Files.writeString(temporary, text, StandardCharsets.UTF_8);
        Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
    }
}

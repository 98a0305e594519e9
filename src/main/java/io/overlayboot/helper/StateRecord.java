package io.overlayboot.helper;

import io.overlayboot.settings.Resolution;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The record of a boot's outcome at {@code /run/overlayboot/state}, read later by the runtime
 * tools: {@code status=protected|unprotected|failed}, {@code message=...}, then every resolved
 * setting as {@code name=value}.
 */
final class StateRecord {
    static final Path DEFAULT = Path.of("/run/overlayboot/state");

    private StateRecord() {}

    static String text(String status, String message, Resolution resolution) {
        StringBuilder text = new StringBuilder();
        text.append("status=").append(status).append('\n');
        text.append("message=").append(message.replace('\n', ' ')).append('\n');
        resolution.values().forEach((k, v) -> text.append(k).append('=').append(v).append('\n'));
        return text.toString();
    }

    static void write(Path file, String status, String message, Resolution resolution) throws IOException {
        Files.createDirectories(file.getParent());
        Path temporary = file.resolveSibling(file.getFileName() + ".new");
        Files.writeString(temporary, text(status, message, resolution), StandardCharsets.UTF_8);
        Files.move(temporary, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }
}

package io.overlayboot.render;

import java.nio.charset.StandardCharsets;

/**
 * One file of a rendered tree.
 *
 * @param path where it lands, relative to the target's {@code /} (no leading slash)
 * @param content its bytes
 * @param mode its permission bits, e.g. {@code 0755}
 */
public record RenderedFile(String path, byte[] content, int mode) {
    public RenderedFile {
        content = content.clone();
    }

    @Override
    public byte[] content() {
        return content.clone();
    }

    public String text() {
        return new String(content, StandardCharsets.UTF_8);
    }
}

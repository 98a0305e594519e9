package io.overlayboot.vm;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Lays files into a directory that stands for a target's {@code /} (for example the output of
 * {@code overlayboot render --out}), before Debian's tools run on that target.
 */
@FunctionalInterface
public interface TargetLayout {
    /** Nothing laid in: a stock Debian target. */
    TargetLayout NONE = root -> {};

    void layInto(Path root) throws IOException;

    /** The files {@code overlayboot render} makes for {@code request}, as {@code render --out} writes them. */
    static TargetLayout rendered(io.overlayboot.render.RenderRequest request) {
        java.util.List<io.overlayboot.render.RenderedFile> files = new io.overlayboot.render.Renderer().render(request);
        return root -> io.overlayboot.render.TreeWriter.write(root, files);
    }
}

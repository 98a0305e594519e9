package io.overlayboot.vm;

import io.overlayboot.render.RenderRequest;
import io.overlayboot.render.RenderedFile;
import io.overlayboot.render.Renderer;
import io.overlayboot.render.TreeWriter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

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
    static TargetLayout rendered(RenderRequest request) {
        List<RenderedFile> files = new Renderer().render(request);
        return root -> TreeWriter.write(root, files);
    }
}

package io.overlayboot.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import io.overlayboot.render.RenderRequest;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's first command: the story it tells matches what happened in the sandbox. */
class DemoTest {
    @TempDir
    Path work;

    private String demo(String cmdline) {
        StringWriter text = new StringWriter();
        Demo.run(RenderRequest.defaults(), cmdline, work, new PrintWriter(text, true));
        return text.toString();
    }

    @Test
    void protectedBootShowsTheWriteInRamAndTheDiskUnchanged() {
        assertThat(demo("root=/dev/vda ro aufs=tmpfs")).contains(
                "console| overlayboot: root is protected",
                "/    overlay (overlayboot)",
                "upper: a change made after boot",
                "lower: the lower layer",
                "byte-identical to before: nothing reached the disk",
                "status=protected");
    }

    @Test
    void failedBootSaysTheRootWasNotProtected() {
        assertThat(demo("root=/dev/vda ro overlayboot=tmpfs:driver=aufs")).contains(
                "FAILED to protect the root", "4. The root was NOT protected", "status=failed")
                .doesNotContain("nothing reached the disk");
    }
}

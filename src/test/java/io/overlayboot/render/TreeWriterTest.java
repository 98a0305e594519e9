package io.overlayboot.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.overlayboot.core.ExitCode;
import io.overlayboot.core.OverlaybootException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code render --out DIR} writes only below DIR: a link in DIR leading out is refused, one staying in is followed. */
class TreeWriterTest {
    @TempDir
    Path tmp;

    private static RenderedFile file(String path) {
        return new RenderedFile(path, "x\n".getBytes(StandardCharsets.UTF_8), 0644);
    }

    @Test
    void aLinkedDirectoryLeadingOutOfTheOutputIsRefused() throws Exception {
        Path out = Files.createDirectories(tmp.resolve("out/etc"));
        Path outside = Files.createDirectories(tmp.resolve("outside"));
        Files.createSymbolicLink(out.resolve("initramfs-tools"), outside);
        OverlaybootException e = catchThrowableOfType(OverlaybootException.class,
                () -> TreeWriter.write(tmp.resolve("out"), List.of(file("etc/initramfs-tools/hooks/overlayboot"))));
        assertThat(e.exitCode()).isEqualTo(ExitCode.ENVIRONMENT);
        assertThat(e.getMessage()).contains(out.resolve("initramfs-tools") + " is a symbolic link to " + outside);
        try (var s = Files.list(outside)) {
            assertThat(s).isEmpty();
        }
    }

    @Test
    void aLinkAsTheFileItselfIsNotWrittenThrough() throws Exception {
        Path out = Files.createDirectories(tmp.resolve("out/etc"));
        Path victim = Files.writeString(tmp.resolve("victim"), "keep\n");
        Files.createSymbolicLink(out.resolve("overlayboot.conf"), victim);
        OverlaybootException e = catchThrowableOfType(OverlaybootException.class,
                () -> TreeWriter.write(tmp.resolve("out"), List.of(file("etc/overlayboot.conf"))));
        assertThat(e.exitCode()).isEqualTo(ExitCode.ENVIRONMENT);
        assertThat(Files.readString(victim)).isEqualTo("keep\n");
    }

    @Test
    void aLinkStayingInsideIsFollowed() throws Exception {
        Path out = Files.createDirectories(tmp.resolve("out/real"));
        Files.createSymbolicLink(tmp.resolve("out/etc"), Path.of("real"));
        TreeWriter.write(tmp.resolve("out"), List.of(file("etc/overlayboot.conf")));
        assertThat(out.resolve("overlayboot.conf")).hasContent("x");
    }
}

package io.overlayboot.initramfs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.overlayboot.core.ExitCode;
import io.overlayboot.core.OverlaybootException;
import io.overlayboot.render.RenderRequest;
import io.overlayboot.render.RenderedFile;
import io.overlayboot.render.Renderer;
import io.overlayboot.render.TreeWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** pack's own logic, without the CLI: levels, combinations of options, the render output it reads, what it writes. */
class PackTest {
    @TempDir
    Path tmp;

    private Pack.Request request(Path out, Path appendTo, Path initrd, boolean backup, Path from, Path tree) {
        return Pack.Request.of(out, appendTo, initrd, backup, from, Path.of("/nonexistent-root"), tree, "zstd", null, null);
    }

    @ParameterizedTest
    @CsvSource({"zstd,3,1,19", "gzip,9,1,9", "xz,6,0,9", "lz4,9,1,12"})
    void eachFormatHasItsDefaultAndRange(String format, int fallback, int min, int max) {
        Compression c = Pack.compression(format);
        assertThat(Pack.level(c, null)).isEqualTo(fallback);
        assertThat(Pack.level(c, min)).isEqualTo(min);
        assertThat(Pack.level(c, max)).isEqualTo(max);
        for (int outside : new int[] {min - 1, max + 1}) {
            assertThatThrownBy(() -> Pack.level(c, outside))
                    .isInstanceOfSatisfying(OverlaybootException.class, e -> {
                        assertThat(e.exitCode()).isEqualTo(ExitCode.USAGE);
                        assertThat(e.getMessage()).isEqualTo("--level " + outside + " is out of range for " + format);
                        assertThat(e.hint()).isEqualTo("use " + min + " to " + max);
                    });
        }
    }

    @Test
    void noCompressionTakesAnyLevelAndIgnoresIt() {
        assertThat(Pack.level(Compression.NONE, 42)).isEqualTo(42);
        assertThat(Pack.level(Compression.NONE, null)).isZero();
    }

    @Test
    void formatsItCannotWriteAreUsageErrors() {
        assertThatThrownBy(() -> Pack.compression("bzip2")).isInstanceOfSatisfying(OverlaybootException.class,
                e -> assertThat(e.exitCode()).isEqualTo(ExitCode.USAGE));
    }

    @Test
    void aBadSourceDateEpochIsBadInput() {
        assertThatThrownBy(() -> Pack.mtime("yesterday")).isInstanceOfSatisfying(OverlaybootException.class,
                e -> assertThat(e.exitCode()).isEqualTo(ExitCode.BAD_INPUT));
        assertThat(Pack.mtime("1700000000")).isEqualTo(1700000000L);
    }

    @Test
    void optionsThatDoNotGoTogetherAreRefused() {
        Path a = tmp.resolve("a.img");
        Path b = tmp.resolve("b.img");
        assertThatThrownBy(() -> request(null, a, null, false, null, tmp)).hasMessage("--tree packs a directory on its own");
        assertThatThrownBy(() -> request(a, null, b, false, tmp, tmp)).hasMessage("--tree packs a directory on its own");
        assertThatThrownBy(() -> request(null, a, b, false, null, null)).hasMessage("--initrd and --append-to name different files");
        assertThatThrownBy(() -> request(a, null, null, true, null, null)).hasMessage("--backup only goes with --append-to");
        assertThatThrownBy(() -> request(null, null, null, false, null, null)).hasMessageContaining("exactly one of --out");
        assertThatThrownBy(() -> request(a, b, null, false, null, null)).hasMessageContaining("exactly one of --out");
        // what goes together
        assertThat(request(null, a, a, true, null, null).base()).isEqualTo(a);
        assertThat(request(a, null, b, false, null, null).subject()).isEqualTo(b);
        assertThat(request(a, null, null, false, null, tmp).subject()).isEqualTo(tmp);
        assertThat(request(a, null, null, false, null, null).subject()).isEqualTo(a);
    }

    @Test
    void readsTheRenderedFilesFromARenderOutput() throws IOException {
        Path from = tmp.resolve("rendered");
        TreeWriter.write(from, new Renderer().render(RenderRequest.defaults()));
        List<RenderedFile> files = Pack.rendered(from);
        assertThat(files).extracting(RenderedFile::path).containsExactly(Renderer.INIT_BOTTOM, Renderer.LIBRARY, Renderer.CONFIG);
        assertThat(files.getFirst().mode()).isEqualTo(0755);
        assertThat(files.get(2).content()).isEqualTo(Files.readAllBytes(from.resolve(Renderer.CONFIG)));

        Files.delete(from.resolve(Renderer.LIBRARY));
        assertThatThrownBy(() -> Pack.rendered(from)).isInstanceOfSatisfying(OverlaybootException.class, e -> {
            assertThat(e.exitCode()).isEqualTo(ExitCode.BAD_INPUT);
            assertThat(e.getMessage()).isEqualTo("'" + from.resolve(Renderer.LIBRARY) + "' is missing");
        });
    }

    @Test
    void writesTheOverlayRenderedOnDemandAndSaysWhatItLeftOut() throws IOException {
        Path out = tmp.resolve("overlay.img");
        List<String> asked = new ArrayList<>();
        Pack.Written w = Pack.overlay(request(out, null, null, false, null, null), () -> {
            asked.add("render");
            return new Renderer().render(RenderRequest.defaults());
        });
        assertThat(asked).containsExactly("render");
        assertThat(w.appended()).isFalse();
        assertThat(w.overlayBytes()).isEqualTo(Files.size(out));
        assertThat(w.entries()).extracting(PackEntry::name).contains("scripts/init-bottom/overlayboot", Renderer.LIBRARY,
                Renderer.CONFIG, InitrdFacts.MARKER);
        assertThat(w.notes()).anyMatch(n -> n.startsWith("no --initrd"));
        // what was written reads back as the same entries
        List<String> names = new ArrayList<>();
        InitrdReader.read(out, (segment, entry, body) -> names.add(entry.name()));
        assertThat(names).containsExactlyElementsOf(w.entries().stream().map(PackEntry::name).toList());
    }

    @Test
    void packsATreeAsItIs() throws IOException {
        Path tree = Files.createDirectories(tmp.resolve("tree/etc"));
        Files.writeString(tree.resolve("hostname"), "demo\n", StandardCharsets.UTF_8);
        Path out = tmp.resolve("tree.img");
        Pack.Packed p = Pack.tree(Pack.Request.of(out, null, null, false, null, Path.of("/"), tmp.resolve("tree"), "gzip", 1,
                "0"));
        assertThat(p.entries()).isEqualTo(2);
        assertThat(p.bytes()).isEqualTo(Files.size(out));
        assertThat(p.cpioBytes()).isGreaterThan(0);
        assertThat(p.compression()).isEqualTo(Compression.GZIP);
    }
}

package io.overlayboot.helper;

import static org.assertj.core.api.Assertions.assertThat;

import io.overlayboot.render.RenderRequest;
import io.overlayboot.render.RenderedFile;
import io.overlayboot.render.Renderer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What the sandbox boots of the shell path and the JVM helper need, made once per test class in
 * {@code shared}: the rendered init-bottom script and boot library, and the helper's runtime
 * ({@code packaging/build-helper-runtime.sh} over a jar of helper/, settings/ and sys/, as the
 * package ships it).
 */
final class HelperBootFixture {
    final Path script;
    final Path library;
    final Path runtime;

    private HelperBootFixture(Path script, Path library, Path runtime) {
        this.script = script;
        this.library = library;
        this.runtime = runtime;
    }

    /**
     * The sandbox settings that put the helper's runtime into the initramfs ({@code EXTRA}), with the
     * list of the host libraries it links kept next to it ({@code LIBS_CACHE}), found once per class.
     */
    static String sandboxSettings(Path runtime) {
        return "EXTRA=\"" + runtime.resolve("jvm") + " " + runtime.resolve("helper.jar") + "\"\nLIBS_CACHE="
                + runtime.resolveSibling("jvm-libs") + "\n";
    }

    static HelperBootFixture build(Path shared) throws Exception {
        Path script = shared.resolve("overlayboot");
        Path library = shared.resolve("overlayboot-functions");
        List<RenderedFile> rendered = new Renderer().render(RenderRequest.defaults());
        Files.write(script, rendered.stream().filter(f -> f.path().equals("etc/initramfs-tools/scripts/init-bottom/overlayboot"))
                .findFirst().orElseThrow().content());
        Files.write(library, rendered.stream().filter(f -> f.path().equals(Renderer.LIBRARY))
                .findFirst().orElseThrow().content());

        Path jar = shared.resolve("overlayboot-helper.jar");
        String classes = Path.of(HelperMain.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        Processes.run(Path.of(System.getProperty("java.home"), "bin", "jar").toString(), "--create", "--file",
                jar.toString(), "--main-class", HelperMain.class.getName(), "-C", classes, "io/overlayboot/helper",
                "-C", classes, "io/overlayboot/settings", "-C", classes, "io/overlayboot/sys");
        Path runtime = shared.resolve("usr-lib-overlayboot");
        Processes.exec(List.of("packaging/build-helper-runtime.sh", "--jar", jar.toString(), "--no-aot",
                runtime.toString()), Map.of("JAVA_HOME", System.getProperty("java.home")));
        assertThat(runtime.resolve("jvm/bin/java")).isExecutable();
        return new HelperBootFixture(script, library, runtime);
    }
}

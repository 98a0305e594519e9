package io.overlayboot.render;

import static org.assertj.core.api.Assertions.assertThat;

import io.overlayboot.settings.BootParameters;
import io.overlayboot.settings.CmdlineCases;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The boot script's own parser, executed under busybox sh, dash and klibc's sh, against the Java
 * parser: for every row of the shared table, and for generated command lines, the plan lines up
 * to the steps are identical.
 */
class BootScriptPlanTest {
    @TempDir
    static Path work;

    static Path script;

    @BeforeAll
    static void render() {
        script = BootScript.write(work, RenderRequest.defaults());
    }

    static Stream<Arguments> casesAndShells() {
        return CmdlineCases.all().stream()
                .flatMap(c -> Stream.of(BootScript.Shell.values()).map(s -> Arguments.of(c, s)));
    }

    static List<String> resolutionPart(List<String> plan) {
        return plan.stream().filter(l -> !l.startsWith("step: ")).toList();
    }

    @ParameterizedTest(name = "{0} under {1}")
    @MethodSource("casesAndShells")
    void shellAgreesWithJavaOnEveryRow(CmdlineCases.Case c, BootScript.Shell shell) throws IOException {
        Path dir = Files.createTempDirectory(work, "case");
        List<String> plan = BootScript.plan(script, shell, c.cmdline(), c.config(), dir);
        List<String> java = BootParameters.resolve(c.cmdline(), c.config() == null ? "" : c.config()).planLines();
        assertThat(resolutionPart(plan)).isEqualTo(java);
        CmdlineCases.assertMeetsExpectations(c, plan);
        boolean active = plan.contains("active=1");
        assertThat(plan.stream().anyMatch(l -> l.startsWith("step: "))).isEqualTo(active);
    }

    /** dracut's front-end sources the same library and plans every row as the init-bottom script does. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void dracutsFrontEndPlansAsInitramfsToolsDoes(CmdlineCases.Case c) throws IOException {
        Path dir = Files.createTempDirectory(work, "dracut");
        Path dracut = Files.createDirectories(work.resolve("dracut-front-end")).resolve("overlayboot");
        if (!Files.exists(dracut)) {
            Map<String, RenderedFile> files = new java.util.HashMap<>();
            new Renderer().render(RenderRequest.defaults()).forEach(f -> files.put(f.path(), f));
            Files.write(dracut, files.get(Renderer.DRACUT_MODULE + "overlayboot-boot.sh").content());
            Files.write(BootScript.functions(dracut), files.get(Renderer.LIBRARY).content());
        }
        assertThat(BootScript.plan(dracut, BootScript.Shell.DASH, c.cmdline(), c.config(), dir))
                .isEqualTo(BootScript.plan(script, BootScript.Shell.DASH, c.cmdline(), c.config(), dir));
    }

    static Stream<CmdlineCases.Case> cases() {
        return CmdlineCases.all().stream();
    }

    @ParameterizedTest(name = "steps under {0}")
    @MethodSource("shells")
    void stepsFollowTheSeedRecipe(BootScript.Shell shell) throws IOException {
        Path dir = Files.createTempDirectory(work, "steps");
        List<String> plan = BootScript.plan(script, shell, "overlayboot=device:dev=LABEL=ob,dir=layer", null, dir);
        assertThat(plan.stream().filter(l -> l.startsWith("step: ")).toList()).containsExactly(
                "step: upper device LABEL=ob fstype=auto timeout=10 fallback=tmpfs",
                "step: mkdir /rw/layer/upper /rw/layer/work",
                "step: move /root /ro",
                "step: union auto lower=/ro upper=/rw/layer/upper work=/rw/layer/work at /overlayboot",
                "step: move /ro /overlayboot/ro",
                "step: move /rw /overlayboot/rw",
                "step: fstab swap=0 recurse=0",
                "step: move /overlayboot /root");
    }

    static Stream<BootScript.Shell> shells() {
        return Stream.of(BootScript.Shell.values());
    }

    @Property(tries = 150)
    void shellAgreesWithJavaOnGeneratedCommandLines(
            @ForAll(supplier = CmdlineCases.AnyTokens.class) List<String> tokens, @ForAll BootScript.Shell shell) throws IOException {
        String cmdline = String.join(" ", tokens);
        Path dir = Files.createTempDirectory("overlayboot-prop");
        Path propertyScript = BootScript.write(dir, RenderRequest.defaults());
        List<String> plan = BootScript.plan(propertyScript, shell, cmdline, null, dir);
        assertThat(resolutionPart(plan)).as(cmdline).isEqualTo(BootParameters.resolve(cmdline, "").planLines());
        io.overlayboot.files.Trees.delete(dir);
    }
}

package io.overlayboot.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** {@code overlayboot try} end to end: three real boots of the throwaway VM. */
@Tag("vm")
class TryCommandIT {
    @Test
    void showsTheWriteVanishAndSurviveWithOverlaybootDisabled() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();

        int code = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), "try", "--size", "64M", "--json");

        assertThat(code).as(err.toString()).isZero();
        assertThat(out.toString())
                .contains("\"kernelParameter\":\"aufs=tmpfs\"")
                .contains("\"vanished\":true")
                .contains("\"survivedDisabled\":true")
                .contains("tmpfs (size 64M)");
        JsonSchemas.assertMatches("try", out.toString());
    }
}

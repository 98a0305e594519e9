package io.overlayboot.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** {@code overlayboot try} end to end: three real boots of the throwaway VM. */
@Tag("vm")
class TryCommandIT {
    @Test
    void showsTheWriteVanishAndSurviveWithOverlaybootDisabled() {
        Cli.Run r = Cli.run("try", "--size", "64M", "--json");

        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out())
                .contains("\"kernelParameter\":\"aufs=tmpfs\"")
                .contains("\"vanished\":true")
                .contains("\"survivedDisabled\":true")
                .contains("tmpfs (size 64M)");
        JsonSchemas.assertMatches("try", r.out());
    }
}

package io.overlayboot.vm;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class BootResultTest {
    static final List<String> CONSOLE = List.of(
            "[    9.857655] overlayboot: root is protected",
            "Begin: Running /scripts/init-bottom ... OBT: begin=1",
            "OBT: mount=sysfs /sys sysfs rw",
            "OBT: mount=overlayboot / overlay rw,lowerdir=/ro",
            "OBT: state.status=protected",
            "OBT: fill.error=dd: error writing '/obt-fill': No space left on device",
            "OBT: end=1",
            "[   11.730128] reboot: Power down");

    @Test
    void readsMarkersEvenWhenAnotherLineRanIntoThem() {
        BootResult r = new BootResult(CONSOLE, 0, false, Duration.ofSeconds(12));
        assertThat(r.marker("begin")).contains("1");
        assertThat(r.markers("mount")).containsExactly("sysfs /sys sysfs rw", "overlayboot / overlay rw,lowerdir=/ro");
        assertThat(r.marker("state.status")).contains("protected");
        assertThat(r.marker("fill.error")).contains("dd: error writing '/obt-fill': No space left on device");
        assertThat(r.marker("missing")).isEmpty();
    }

    @Test
    void aCleanPowerOffNeedsTheEndMarkerThePowerDownAndExitZero() {
        assertThat(new BootResult(CONSOLE, 0, false, Duration.ZERO).cleanPowerOff()).isTrue();
        assertThat(new BootResult(CONSOLE, 124, true, Duration.ZERO).cleanPowerOff()).isFalse();
        assertThat(new BootResult(CONSOLE.subList(0, 5), 0, false, Duration.ZERO).cleanPowerOff()).isFalse();
    }

    @Test
    void recognisesAKernelPanicAndAnInitramfsPanic() {
        assertThat(new BootResult(List.of("Kernel panic - not syncing: Attempted to kill init!"), 0, false, Duration.ZERO)
                .panicked()).isTrue();
        assertThat(new BootResult(List.of("Rebooting automatically due to panic= boot argument"), 0, false, Duration.ZERO)
                .panicked()).isTrue();
        assertThat(new BootResult(CONSOLE, 0, false, Duration.ZERO).panicked()).isFalse();
    }
}

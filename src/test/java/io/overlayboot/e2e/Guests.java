package io.overlayboot.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.overlayboot.vm.BootResult;
import io.overlayboot.vm.GuestDisk;
import io.overlayboot.vm.Qemu;
import io.overlayboot.vm.VmSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Assertions and small helpers shared by the boot tests. */
final class Guests {
    private Guests() {}

    /** Boots and keeps the console in target/boot-logs/NAME.log for the reader of a failure. */
    static BootResult boot(String name, VmSpec spec) throws IOException {
        BootResult boot = Qemu.boot(spec);
        Path logs = Files.createDirectories(Path.of("target", "boot-logs"));
        Files.writeString(logs.resolve(name + ".log"), "# " + spec.commandLine() + "\n" + boot.transcript() + "\n");
        return boot;
    }

    static void assertCleanPowerOff(BootResult boot) {
        assertThat(boot.timedOut()).as("guest hit the time limit:\n%s", boot.transcript()).isFalse();
        assertThat(boot.panicked()).as("guest panicked:\n%s", boot.transcript()).isFalse();
        assertThat(boot.cleanPowerOff()).as("guest did not run its init to the end:\n%s", boot.transcript()).isTrue();
    }

    static String sha256(Path image) {
        return GuestDisk.sha256(image);
    }
}

package io.overlayboot.vm;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * What one guest boot showed: the serial console, QEMU's exit, and the {@code OBT: name=value}
 * lines the test init printed ({@link #marker}, {@link #markers}).
 */
public record BootResult(List<String> console, int exitCode, boolean timedOut, Duration elapsed) {
    public static final String MARKER = "OBT: ";

    public BootResult {
        console = List.copyOf(console);
    }

    /** The value of the first marker {@code name=...}, if printed. */
    public Optional<String> marker(String name) {
        return markers(name).stream().findFirst();
    }

    /** Every value printed for marker {@code name}, in order. */
    public List<String> markers(String name) {
        String prefix = MARKER + name + "=";
        return console.stream()
                .map(l -> l.substring(Math.max(0, l.indexOf(MARKER))))
                .filter(l -> l.startsWith(prefix))
                .map(l -> l.substring(prefix.length()))
                .toList();
    }

    /** Whether the test init ran to its end and the guest powered off by itself. */
    public boolean cleanPowerOff() {
        return !timedOut && exitCode == 0 && marker("end").isPresent()
                && console.stream().anyMatch(l -> l.contains("reboot: Power down"));
    }

    /** Whether the kernel panicked or the initramfs gave up (both reboot at once with panic=-1). */
    public boolean panicked() {
        return console.stream().anyMatch(l -> l.contains("Kernel panic") || l.contains("Rebooting automatically due to panic="));
    }

    /** Console lines containing {@code text}. */
    public List<String> linesContaining(String text) {
        return console.stream().filter(l -> l.contains(text)).toList();
    }

    /** The console, for failure messages. */
    public String transcript() {
        return String.join("\n", console);
    }
}

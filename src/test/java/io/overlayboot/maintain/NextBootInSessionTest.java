package io.overlayboot.maintain;

import static org.assertj.core.api.Assertions.assertThat;

import io.overlayboot.sys.Exec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code overlayboot next-boot} on a protected root (the layout of {@link MaintenanceTest}: a
 * read-only lower at {@code ROOT/ro} under an overlay, a separate {@code /boot}): the flag lands on
 * the lower, not in the RAM layer, through a maintenance session that leaves nothing mounted and the
 * lower read-only; with GRUB, grubenv is written on the separate {@code /boot}.
 */
class NextBootInSessionTest {
    @TempDir
    Path work;

    @Test
    void theChoiceReachesTheLowerOrTheSeparateBootAndTheLowerIsReadOnlyAgain() throws Exception {
        Path cfg = work.resolve("grub.cfg");
        try (var in = NextBootInSessionTest.class.getResourceAsStream("/io/overlayboot/guard/grub-mkconfig-bookworm-entries.cfg")) {
            Files.write(cfg, in.readAllBytes());
        }
        String java = ProcessHandle.current().info().command().orElseThrow();
        String cp = System.getProperty("java.class.path");
        Exec.Result r = Exec.run(List.of("unshare", "-m", "--propagation", "private", "sh", "-c", MaintenanceTest.SETUP + """
                ob next-boot writable --root "$R" > out1.txt
                echo "flag: $? lower $(cat "$R/ro/etc/overlayboot/next-boot") upper $(ls rw/upper/etc 2>/dev/null | wc -l) left $(left) mode $(mode)"
                ob next-boot default --root "$R" > /dev/null
                echo "default: $? $(ls "$R/ro/etc/overlayboot" | wc -l) left $(left) mode $(mode)"
                mkdir -p "$R/boot/grub"; cp "$4" "$R/boot/grub/grub.cfg"
                ob next-boot writable --root "$R" > out2.txt
                echo "grub: $? $(grep -a -o 'next_entry=[a-z-]*' "$R/boot/grub/grubenv") $(stat -c %s "$R/boot/grub/grubenv") left $(left) mode $(mode)"
                """, "sh", work.toString(), java, cp, cfg.toString()), Duration.ofMinutes(3));
        assertThat(r.stdout()).as(r.stderr()).isEqualTo("""
                flag: 0 lower writable upper 0 left none mode ro
                default: 0 0 left none mode ro
                grub: 0 next_entry=overlayboot-writable 1024 left none mode ro
                """);
        assertThat(Files.readString(work.resolve("out1.txt"))).startsWith("next boot: writable, once (/etc/overlayboot/next-boot;");
        assertThat(Files.readString(work.resolve("out2.txt"))).startsWith("next boot: writable, once (grubenv next_entry 'overlayboot-writable';");
    }
}

package io.overlayboot.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import io.overlayboot.sys.Exec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Debian package: built by {@code mvn -Pdeb} ({@code packaging/build-deb.sh}), lintian-clean, and
 * working on a Debian 12 system that has no Java at all (the cached chroot).
 */
@Tag("vm")
class PackagingIT {
    static Path deb;

    @TempDir
    Path work;

    /** The package {@code mvn -Pdeb} built at the package phase (the profile names it). */
    @BeforeAll
    static void build() {
        String built = System.getProperty("overlayboot.deb");
        assertThat(built).as("the system property overlayboot.deb (hint: run with mvn -Pdeb verify)").isNotBlank();
        deb = Path.of(built);
        assertThat(deb).as("the package (hint: mvn -Pdeb verify builds it)").exists();
    }

    @Test
    void lintianFindsNoErrors() {
        Exec.Result r = Exec.run(List.of("lintian", "--tag-display-limit", "0", deb.toString()), Duration.ofMinutes(5));
        assertThat(r.stdout().lines().filter(l -> l.startsWith("E: "))).isEmpty();
    }

    @Test
    void installsAndRunsOnDebianWithoutASystemJava() throws Exception {
        Exec.Result chroot = Exec.run(List.of("bash", "e2e/build-chroot.sh"), Duration.ofMinutes(15));
        assertThat(chroot.exitCode()).as(chroot.stderr()).isZero();
        Files.createDirectories(work.resolve("upper"));
        Files.copy(deb, work.resolve("upper/overlayboot.deb"));
        Exec.Result r = Exec.run(List.of("bash", "e2e/chroot-run.sh", work.toString(), "sh", "-c",
                "if command -v java; then echo HAS-JAVA; fi; dpkg -i /overlayboot.deb >/dev/null"
                        + " && overlayboot --version && overlayboot render --out /tmp/r --size 25%"
                        + " && cat /tmp/r/etc/overlayboot.conf"),
                Map.of(), null, null, Duration.ofMinutes(5));
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        assertThat(r.stdout()).doesNotContain("HAS-JAVA").contains("overlayboot 0.1.0", "\nsize=25%\n");
        assertThat(r.stderr()).doesNotContain("AOT").doesNotContain("warning");
    }
}

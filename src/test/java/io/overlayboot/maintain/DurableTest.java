package io.overlayboot.maintain;

import static org.assertj.core.api.Assertions.assertThat;

import io.overlayboot.sys.Exec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * On a protected root (the real overlay sandbox of {@link MaintenanceTest}), what must survive a
 * reboot goes to the lower layer through a maintenance session, not into the RAM layer:
 * {@code schedule} is the command that shows it here.
 */
class DurableTest {
    @TempDir
    Path work;

    @Test
    void scheduleOnAProtectedRootWritesTheLowerAndLeavesTheUpperAlone() {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/systemd-analyze")), "needs systemd-analyze");
        Exec.Result r = sandbox("""
                mount -o remount,rw "$R/ro"; mkdir -p "$R/ro/etc/systemd/system"; mount -o remount,ro "$R/ro"
                ob schedule --root "$R" 'Sun 03:00' --json > on.json
                echo "on: exit $? left $(left) mode $(mode)"
                (cd "$R/ro/etc/systemd/system" && find . -mindepth 1 | sort)
                echo "upper: $(find rw/upper -mindepth 1 | wc -l)"
                ob schedule --root "$R" --off > off.txt
                echo "off: exit $? left $(left) mode $(mode)"
                ls -A "$R/ro/etc/systemd/system"
                if [ -e "$R/ro/var/lib" ]; then echo "var/lib left"; else echo "var/lib gone"; fi
                cat on.json
                """);
        assertThat(r.stdout()).as(r.stderr()).startsWith("""
                on: exit 0 left none mode ro
                ./overlayboot-upgrade.service
                ./overlayboot-upgrade.timer
                ./timers.target.wants
                ./timers.target.wants/overlayboot-upgrade.timer
                upper: 0
                off: exit 0 left none mode ro
                var/lib gone
                """).contains("\"lower\":true").contains("\"root\":\"" + work + "/root/ro\"");
        assertThat(r.stderr()).contains("overlayboot: maintenance window: Sun *-*-* 03:00:00");
    }

    private Exec.Result sandbox(String steps) {
        String java = ProcessHandle.current().info().command().orElseThrow();
        String cp = System.getProperty("java.class.path");
        return Exec.run(List.of("unshare", "-m", "--propagation", "private", "sh", "-c",
                MaintenanceTest.SETUP + steps, "sh", work.toString(), java, cp), Duration.ofMinutes(3));
    }
}

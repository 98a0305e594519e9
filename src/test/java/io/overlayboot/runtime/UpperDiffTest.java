package io.overlayboot.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.overlayboot.sys.Exec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real overlayfs (in a private mount namespace) records changes; the diff names each one. */
class UpperDiffTest {
    @TempDir
    Path work;

    @Test
    void namesAddedChangedAndDeletedFiles() {
        String script = """
                set -e
                cd "$1"
                mkdir -p lower/etc/keep lower/var/old upper work merged
                echo a > lower/etc/motd; echo b > lower/etc/hostname; echo c > lower/var/old/log
                mount -t overlay -o lowerdir=lower,upperdir=upper,workdir=work overlay merged
                echo changed > merged/etc/motd
                echo new > merged/etc/added
                rm merged/etc/hostname
                rm -r merged/var/old
                mkdir merged/srv
                umount merged
                """;
        Exec.Result r = Exec.run(List.of("unshare", "-m", "sh", "-c", script, "sh", work.toString()), Duration.ofSeconds(30));
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        List<UpperDiff.Change> changes = assertDiff(work.resolve("upper"), work.resolve("lower"));
        assertThat(changes).containsExactly(
                new UpperDiff.Change(UpperDiff.Kind.ADDED, "/etc/added"),
                new UpperDiff.Change(UpperDiff.Kind.DELETED, "/etc/hostname"),
                new UpperDiff.Change(UpperDiff.Kind.CHANGED, "/etc/motd"),
                new UpperDiff.Change(UpperDiff.Kind.ADDED, "/srv"),
                new UpperDiff.Change(UpperDiff.Kind.DELETED, "/var/old"));
    }

    private static List<UpperDiff.Change> assertDiff(Path upper, Path lower) {
        try {
            return UpperDiff.between(upper, lower).changes();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}

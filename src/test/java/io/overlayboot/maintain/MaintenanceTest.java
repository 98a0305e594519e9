package io.overlayboot.maintain;

import static org.assertj.core.api.Assertions.assertThat;

import io.overlayboot.cli.Cli;
import io.overlayboot.core.ExitCode;
import io.overlayboot.sys.Exec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code overlayboot maintenance} on a real protected layout, built in a private mount namespace:
 * a tmpfs lower (with a static busybox) mounted read-only at {@code ROOT/ro} under an overlay at
 * {@code ROOT}, with {@code proc}, {@code sys}, {@code dev}, a tmpfs {@code run} and a separate
 * {@code boot} mounted in the union as on a booted machine.
 */
class MaintenanceTest {
    /** Builds the protected layout in the current directory and defines {@code ob} (the CLI) and helpers. */
    static final String SETUP = """
            set -e
            cd "$1"; java=$2; cp=$3
            ob() { "$java" --enable-native-access=ALL-UNNAMED -cp "$cp" io.overlayboot.cli.Main "$@"; }
            # for '(obexec ...) & pid=$!': $! is then the JVM itself, not a subshell waiting for it
            obexec() { exec "$java" --enable-native-access=ALL-UNNAMED -cp "$cp" io.overlayboot.cli.Main "$@"; }
            mkdir -p lowerfs rw root
            mount -t tmpfs lowerfs lowerfs
            mkdir -p lowerfs/bin lowerfs/etc lowerfs/var/log/journal lowerfs/proc lowerfs/sys lowerfs/dev lowerfs/run lowerfs/boot lowerfs/ro
            cp /usr/bin/busybox lowerfs/bin/busybox
            for t in sh cat echo sleep touch ls test grep; do ln -s busybox "lowerfs/bin/$t"; done
            mount -o remount,ro lowerfs
            mount -t tmpfs rw rw; mkdir rw/upper rw/work
            mount -t overlay -o lowerdir=lowerfs,upperdir=rw/upper,workdir=rw/work overlayboot root
            mount --move lowerfs root/ro
            mount -t proc proc root/proc
            mount --rbind /sys root/sys
            mount --rbind /dev root/dev
            mount -t tmpfs run root/run
            mount -t tmpfs boot root/boot
            R=$PWD/root
            # what the session left: whether anything is mounted below ROOT/ro, and the lower's mode
            left() { if grep -q " $R/ro/" /proc/self/mounts; then echo mounts; else echo none; fi; }
            mode() { grep " $R/ro " /proc/self/mounts | cut -d' ' -f4 | cut -d, -f1; }
            waitfor() { n=0; while [ ! -e "$1" ] && [ $n -lt 300 ]; do sleep 0.1; n=$((n+1)); done; }
            set +e
            """;

    @TempDir
    Path work;

    @Test
    void aCommandWritesIntoTheLowerAndEverythingIsUndoneOnSuccessFailureAndSigterm() {
        Exec.Result r = sandbox("""
                ob maintenance --root "$R" -- /bin/sh -c 'echo written > /etc/new; test -e /proc/self/mounts && test -e /dev/null && ls /boot'
                echo "ok: exit $? left $(left) mode $(mode) file $(cat "$R/ro/etc/new")"
                ob maintenance --root "$R" -- /bin/sh -c 'exit 3'
                echo "fail: exit $? left $(left) mode $(mode)"
                (obexec maintenance --root "$R" -- /bin/sh -c 'touch /etc/started; sleep 60') & pid=$!
                waitfor "$R/ro/etc/started"
                echo "during: left $(left) mode $(mode) record $(grep -c '^mount=' "$R/run/overlayboot/maintenance")"
                ob maintenance --root "$R" -- /bin/true 2>second.err
                echo "second: exit $? left $(left) mode $(mode) says $(grep -c "^overlayboot: Another maintenance session (pid $pid[ )].* is open on " second.err) lines $(wc -l < second.err)"
                kill -TERM "$pid"; wait "$pid"
                echo "term: exit $? left $(left) mode $(mode) record $(ls "$R/run/overlayboot" | wc -l)"
                """);
        assertThat(r.stdout()).as(r.stderr()).isEqualTo("""
                ok: exit 0 left none mode ro file written
                fail: exit 3 left none mode ro
                during: left mounts mode rw record 5
                second: exit 6 left mounts mode rw says 1 lines 1
                term: exit 143 left none mode ro record 0
                """);
        assertThat(r.stderr()).contains("overlayboot: maintenance: /ro is read-write until the command ends")
                .contains("overlayboot: maintenance: done: /ro is read-only again");
    }

    /**
     * As persist= leaves a machine: the lower's filesystem writable, {@code /ro} read-only by its
     * mount flag only, a persisted path bound from the same filesystem with a file open for
     * writing (journald's under {@code @logs}). The session must not make the filesystem
     * read-only: that fails (EBUSY) and would make the persisted path read-only too.
     */
    @Test
    void aSessionLeavesPersistedBindsOfTheLowersFilesystemWritable() {
        Exec.Result r = sandbox("""
                mount -o remount,rw "$R/ro"
                mount --bind "$R/ro/var/log/journal" "$R/var/log/journal"
                mount -o remount,bind,ro "$R/ro"
                exec 3>>"$R/var/log/journal/system.journal"
                echo "before: mode $(mode) journal $(touch "$R/var/log/journal/a" && echo rw)"
                ob maintenance --root "$R" -- /bin/sh -c 'echo written > /etc/new'
                echo "after: exit $? left $(left) mode $(mode) file $(cat "$R/ro/etc/new") journal $(touch "$R/var/log/journal/b" && echo rw)"
                echo kept >&3 && echo "open file: written"
                (obexec maintenance --root "$R" -- /bin/sh -c 'exec sleep 600') & pid=$!
                n=0; while ! grep -q '^child=' "$R/run/overlayboot/maintenance" 2>/dev/null && [ $n -lt 300 ]; do sleep 0.1; n=$((n+1)); done
                kill -KILL "$pid"; wait "$pid"
                child=$(sed -n 's/^child=\\([0-9]*\\) .*/\\1/p' "$R/run/overlayboot/maintenance")
                kill -KILL "$child"; n=0; while kill -0 "$child" 2>/dev/null && [ $n -lt 100 ]; do sleep 0.1; n=$((n+1)); done
                ob maintenance --root "$R" --cleanup
                echo "cleanup: exit $? left $(left) mode $(mode) journal $(touch "$R/var/log/journal/c" && echo rw)"
                """);
        assertThat(r.stdout()).as(r.stderr()).isEqualTo("""
                before: mode ro journal rw
                after: exit 0 left none mode ro file written journal rw
                open file: written
                cleanup: exit 0 left none mode ro journal rw
                """);
    }

    @Test
    void aKilledSessionIsCleanedUpByTheNextOnceNothingRunsInside() {
        Exec.Result r = sandbox("""
                (obexec maintenance --root "$R" -- /bin/sh -c 'touch /etc/started; exec sleep 600') & pid=$!
                waitfor "$R/ro/etc/started"
                kill -KILL "$pid"; wait "$pid"
                echo "killed: left $(left) mode $(mode) record $(grep -c '^mount=' "$R/run/overlayboot/maintenance")"
                ob maintenance --root "$R" -- /bin/true
                echo "busy: exit $? left $(left) mode $(mode)"
                child=$(sed -n 's/^child=\\([0-9]*\\) .*/\\1/p' "$R/run/overlayboot/maintenance")
                kill -KILL "$child"; n=0; while kill -0 "$child" 2>/dev/null && [ $n -lt 100 ]; do sleep 0.1; n=$((n+1)); done
                ob maintenance --root "$R" -- /bin/sh -c 'echo again > /etc/again'
                echo "next: exit $? left $(left) mode $(mode) file $(cat "$R/ro/etc/again") record $(ls "$R/run/overlayboot" | wc -l)"
                ob maintenance --root "$R" --cleanup
                echo "cleanup: exit $?"
                """);
        assertThat(r.stdout()).as(r.stderr()).isEqualTo("""
                killed: left mounts mode rw record 5
                busy: exit 6 left mounts mode rw
                next: exit 0 left none mode ro file again record 0
                cleanup: exit 0
                """);
        assertThat(r.stderr()).contains("processes still run inside /ro")
                .contains("cleaning up after an earlier maintenance session (pid ")
                .contains("overlayboot: maintenance: nothing to clean up");
    }

    /**
     * SIGKILL while the session is still being set up: as soon as the record names 1, 3 and 5 mounts
     * (the record line is written before its mount is made, so the kill lands between steps). Where
     * exactly it lands depends on timing; whatever was done by then, {@code --cleanup} undoes it.
     */
    @Test
    void aSessionKilledWhileItsMountsAreMadeIsCleanedUp() throws Exception {
        Exec.Result r = sandbox("""
                rec=$R/run/overlayboot/maintenance
                for k in 1 3 5; do
                  (obexec maintenance --root "$R" -- /bin/sh -c 'exit 0') & pid=$!
                  mounts() { c=$(grep -c '^mount=' "$rec" 2>/dev/null || true); echo "${c:-0}"; }
                  n=0; while [ "$(mounts)" -lt $k ] && [ $n -lt 20000 ]; do n=$((n+1)); done
                  kill -KILL "$pid"; wait "$pid"
                  echo "k=$k: killed with $(mounts) mount lines" >&2
                  ob maintenance --root "$R" --cleanup 2>>cleanup.err || { sleep 1; ob maintenance --root "$R" --cleanup 2>>cleanup.err; }
                  echo "$k: exit $? left $(left) mode $(mode) record $(ls "$R/run/overlayboot" | wc -l)"
                done
                ob maintenance --root "$R" -- /bin/sh -c 'echo after > /etc/after'
                echo "next: exit $? left $(left) mode $(mode) file $(cat "$R/ro/etc/after")"
                """);
        assertThat(r.stdout()).as(r.stderr()).isEqualTo("""
                1: exit 0 left none mode ro record 0
                3: exit 0 left none mode ro record 0
                5: exit 0 left none mode ro record 0
                next: exit 0 left none mode ro file after
                """);
        assertThat(Files.readString(work.resolve("cleanup.err"))).as(r.stderr())
                .contains("cleaning up after an earlier maintenance session (pid ");
    }

    @Test
    void anUnprotectedRootIsRefusedWithExit4SayingToRunTheCommandDirectly() throws Exception {
        Path mounts = Files.writeString(work.resolve("mounts"), "/dev/vda1 " + work.toRealPath() + " ext4 rw 0 0\n");
        var run = Cli.run("maintenance", "--root", work.toString(), "--mounts", mounts.toString(), "--", "apt-get", "upgrade");
        assertThat(run.code()).isEqualTo(ExitCode.ENVIRONMENT.code()).isEqualTo(4);
        assertThat(run.err().lines().toList()).hasSize(1);
        assertThat(run.err()).contains("is not protected (ext4)").contains("run the command directly");
        assertThat(Files.exists(work.resolve("run"))).isFalse();
    }

    @Test
    void aRootWithoutItsLowerMountedIsRefused() throws Exception {
        Path mounts = Files.writeString(work.resolve("mounts"), "overlayboot " + work.toRealPath() + " overlay rw 0 0\n");
        var run = Cli.run("maintenance", "--root", work.toString(), "--mounts", mounts.toString());
        assertThat(run.code()).as(run.err()).isEqualTo(ExitCode.ENVIRONMENT.code());
        assertThat(run.err()).contains("The lower layer /ro is not mounted");
    }

    /** The kernel writes a space in a mount point as {@code \040}: a root whose path has one is known as the union it is. */
    @Test
    void aRootWhosePathHasASpaceIsReadThroughTheEscapedTable() throws Exception {
        Path sys = Files.createDirectories(work.resolve("my system"));
        Path mounts = Files.writeString(work.resolve("mounts"), "overlayboot "
                + sys.toRealPath().toString().replace(" ", "\\040") + " overlay rw 0 0\n");
        var run = Cli.run("maintenance", "--root", sys.toString(), "--mounts", mounts.toString());
        assertThat(run.code()).as(run.err()).isEqualTo(ExitCode.ENVIRONMENT.code());
        assertThat(run.err()).contains("The lower layer /ro is not mounted");
    }

    /**
     * The command inside deletes the running JVM's own runtime, as {@code maintenance -- apt-get
     * remove overlayboot} does to the package's (GrubBootIT found both failures): the JVM runs from
     * a copy of its runtime on the lower, seen through the union, and the command removes that copy.
     * The session must still be undone: it starts {@code umount} and {@code mount} after the
     * command, which failed through the JDK's spawn helper {@code lib/jspawnhelper}, now gone; and
     * the lower's filesystem cannot go read-only while the JVM still has its deleted files open, so
     * only {@code /ro}'s mount flag does, with a note; once the JVM has ended (and the union's cached
     * dentries of those files are dropped) it can.
     */
    @Test
    void aSessionIsUndoneAfterItsCommandRemovedTheRunningJvmsRuntime() {
        Exec.Result r = sandbox("""
                home=${java%/bin/java}
                mount -o remount,rw "$R/ro"
                mkdir "$R/ro/jdk" && cp -a "$home/bin" "$home/lib" "$home/conf" "$home/release" "$R/ro/jdk/"
                mount -o remount,ro "$R/ro"
                "$R/jdk/bin/java" --enable-native-access=ALL-UNNAMED -cp "$cp" io.overlayboot.cli.Main \
                        maintenance --root "$R" -- /bin/busybox rm -r /jdk 2>err
                echo "exit $? left $(left) mode $(mode) runtime $(ls "$R/jdk" 2>/dev/null | wc -l)"
                echo "cannot run: $(grep -c 'cannot run' err), mount flag only: $(grep -c 'read-only again by its mount flag only' err)"
                echo 2 > /proc/sys/vm/drop_caches
                mount -o remount,ro "$R/ro" && echo "filesystem read-only after the JVM ended"
                """);
        assertThat(r.stdout()).as(r.stderr()).isEqualTo("""
                exit 0 left none mode ro runtime 0
                cannot run: 0, mount flag only: 1
                filesystem read-only after the JVM ended
                """);
    }

    @Test
    void cleanupTakesNoCommand() {
        var run = Cli.run("maintenance", "--root", work.toString(), "--cleanup", "--", "true");
        assertThat(run.code()).isEqualTo(ExitCode.USAGE.code());
        assertThat(run.err()).contains("--cleanup runs no command");
    }

    private Exec.Result sandbox(String steps) {
        String java = ProcessHandle.current().info().command().orElseThrow();
        String cp = System.getProperty("java.class.path");
        return Exec.run(List.of("unshare", "-m", "--propagation", "private", "sh", "-c", SETUP + steps, "sh",
                work.toString(), java, cp), Duration.ofMinutes(3));
    }
}

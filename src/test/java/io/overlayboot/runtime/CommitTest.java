package io.overlayboot.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.overlayboot.sys.Exec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * On a real protected layout (an ext4 image mounted read-only as the lower, a tmpfs upper, an
 * overlay), {@code overlayboot commit} copies changes into the image and leaves it read-only.
 */
class CommitTest {
    @TempDir
    Path work;

    @Test
    void commitCopiesAndDeletesIntoTheLowerAndRemountsItReadOnly() {
        String java = ProcessHandle.current().info().command().orElseThrow();
        String cp = System.getProperty("java.class.path");
        String script = """
                set -e
                cd "$1"; java=$2; cp=$3
                mkdir -p tree/etc tree/srv/data ro rw root
                echo old > tree/etc/hostname; echo keep > tree/etc/motd; echo gone > tree/srv/data/file
                mke2fs -q -F -t ext4 -d tree lower.img 8M >/dev/null
                loop=$(losetup -f --show lower.img)
                trap 'umount -l root rw ro 2>/dev/null; losetup -d "$loop"' EXIT
                mount -o ro "$loop" ro
                mount -t tmpfs tmpfs rw; mkdir rw/upper rw/work
                mount -t overlay -o lowerdir=ro,upperdir=rw/upper,workdir=rw/work overlayboot root
                echo new-name > root/etc/hostname
                mkdir -p root/etc/app; echo setting > root/etc/app/conf
                rm -r root/srv/data
                "$java" --enable-native-access=ALL-UNNAMED -cp "$cp" io.overlayboot.cli.Main commit --root "$PWD/root" --lower "$PWD/ro" \\
                    /etc/hostname /etc/app /srv/data /etc/never
                grep " $PWD/ro " /proc/mounts | cut -d' ' -f4 | cut -d, -f1
                """;
        Exec.Result r = Exec.run(List.of("unshare", "-m", "--propagation", "private", "sh", "-c", script, "sh",
                work.toString(), java, cp), Duration.ofMinutes(2));
        assertThat(r.exitCode()).as(r.stderr() + r.stdout()).isZero();
        assertThat(r.stdout()).isEqualTo("copied /etc/hostname\ncopied /etc/app\ndeleted /srv/data\nunchanged /etc/never\nro\n");
        String image = work.resolve("lower.img").toString();
        assertThat(debugfs(image, "cat /etc/hostname")).isEqualTo("new-name\n");
        assertThat(debugfs(image, "cat /etc/app/conf")).isEqualTo("setting\n");
        assertThat(debugfs(image, "cat /etc/motd")).isEqualTo("keep\n");
        assertThat(debugfs(image, "ls /srv")).doesNotContain("data");
    }

    /**
     * With persist= the lower's filesystem stays writable under a persisted bind (here with a file
     * open for writing, as journald's): commit makes only {@code /ro}'s mount read-only again.
     */
    @Test
    void commitLeavesAPersistedBindOfTheLowersFilesystemWritable() {
        String java = ProcessHandle.current().info().command().orElseThrow();
        String cp = System.getProperty("java.class.path");
        String script = """
                set -e
                cd "$1"; java=$2; cp=$3
                mkdir -p tree/etc tree/var/log/journal ro rw root
                echo old > tree/etc/hostname
                mke2fs -q -F -t ext4 -d tree lower.img 8M >/dev/null
                loop=$(losetup -f --show lower.img)
                trap 'exec 3>&-; umount -l root rw ro 2>/dev/null; losetup -d "$loop"' EXIT
                mount "$loop" ro
                mount -t tmpfs tmpfs rw; mkdir rw/upper rw/work
                mount -t overlay -o lowerdir=ro,upperdir=rw/upper,workdir=rw/work overlayboot root
                mount --bind ro/var/log/journal root/var/log/journal
                mount -o remount,bind,ro ro
                exec 3>>root/var/log/journal/system.journal
                echo new-name > root/etc/hostname
                set +e
                "$java" --enable-native-access=ALL-UNNAMED -cp "$cp" io.overlayboot.cli.Main commit --root "$PWD/root" --lower "$PWD/ro" /etc/hostname
                echo "exit $?"
                grep " $PWD/ro " /proc/mounts | cut -d' ' -f4 | cut -d, -f1
                echo kept >&3 && touch root/var/log/journal/after && echo "journal writable"
                """;
        Exec.Result r = Exec.run(List.of("unshare", "-m", "--propagation", "private", "sh", "-c", script, "sh",
                work.toString(), java, cp), Duration.ofMinutes(2));
        assertThat(r.stdout()).as(r.stderr()).isEqualTo("copied /etc/hostname\nexit 0\nro\njournal writable\n");
        assertThat(debugfs(work.resolve("lower.img").toString(), "cat /etc/hostname")).isEqualTo("new-name\n");
    }

    @Test
    void aLinkInTheLowerLeadingOutOfItIsNotWrittenThrough() throws Exception {
        String java = ProcessHandle.current().info().command().orElseThrow();
        String cp = System.getProperty("java.class.path");
        String script = """
                set -e
                cd "$1"; java=$2; cp=$3
                mkdir -p tree/etc ro rw root outside
                ln -s "$PWD/outside" tree/etc/conf.d
                mke2fs -q -F -t ext4 -d tree lower.img 8M >/dev/null
                loop=$(losetup -f --show lower.img)
                trap 'umount -l root rw ro 2>/dev/null; losetup -d "$loop"' EXIT
                mount -o ro "$loop" ro
                mount -t tmpfs tmpfs rw; mkdir rw/upper rw/work
                mount -t overlay -o lowerdir=ro,upperdir=rw/upper,workdir=rw/work overlayboot root
                rm root/etc/conf.d; mkdir root/etc/conf.d; echo value > root/etc/conf.d/x
                set +e
                "$java" --enable-native-access=ALL-UNNAMED -cp "$cp" io.overlayboot.cli.Main commit --root "$PWD/root" --lower "$PWD/ro" \
                    /etc/conf.d/x
                echo "exit $?"
                grep " $PWD/ro " /proc/mounts | cut -d' ' -f4 | cut -d, -f1
                """;
        Exec.Result r = Exec.run(List.of("unshare", "-m", "--propagation", "private", "sh", "-c", script, "sh",
                work.toString(), java, cp), Duration.ofMinutes(2));
        assertThat(r.stdout()).as(r.stderr()).isEqualTo("exit 4\nro\n");
        assertThat(r.stderr()).contains("ro/etc/conf.d is a symbolic link to " + work.resolve("outside"));
        try (var s = Files.list(work.resolve("outside"))) {
            assertThat(s).isEmpty();
        }
    }

    @Test
    void anUnprotectedRootIsRefusedBeforeAnyRemount() throws Exception {
        Path mounts = Files.writeString(work.resolve("mounts"), "/dev/vda1 / ext4 rw 0 0\n"
                + "/dev/vda1 " + work.toRealPath() + " ext4 rw 0 0\n");
        var e = org.assertj.core.api.Assertions.catchThrowableOfType(io.overlayboot.core.OverlaybootException.class,
                () -> Commit.commit(work, work, List.of("/etc/hostname"), mounts));
        assertThat(e.exitCode()).isEqualTo(io.overlayboot.core.ExitCode.ENVIRONMENT);
        assertThat(e.getMessage()).contains(work + " is not protected").contains("shows it as ext4, not an overlay");

        Files.writeString(mounts, "overlayboot " + work.toRealPath() + " overlay rw 0 0\n");
        e = org.assertj.core.api.Assertions.catchThrowableOfType(io.overlayboot.core.OverlaybootException.class,
                () -> Commit.commit(work, work.resolve("ro"), List.of("/etc/hostname"), mounts));
        assertThat(e.exitCode()).isEqualTo(io.overlayboot.core.ExitCode.ENVIRONMENT);
        assertThat(e.getMessage()).contains("lower layer " + work.resolve("ro") + " is not mounted");
    }

    /** The kernel writes a space in a mount point as {@code \040}: a root whose path has one is known as the union it is. */
    @Test
    void aRootWhosePathHasASpaceIsReadThroughTheEscapedTable() throws Exception {
        Path sys = Files.createDirectories(work.resolve("my system"));
        Path mounts = Files.writeString(work.resolve("mounts"), "overlayboot "
                + sys.toRealPath().toString().replace(" ", "\\040") + " overlay rw 0 0\n");
        var e = org.assertj.core.api.Assertions.catchThrowableOfType(io.overlayboot.core.OverlaybootException.class,
                () -> Commit.commit(sys, sys.resolve("ro"), List.of("/etc/hostname"), mounts));
        assertThat(e.getMessage()).contains("lower layer " + sys.resolve("ro") + " is not mounted");
    }

    @Test
    void theCommandRefusesAnUnprotectedMachineWithExit4() {
        var run = io.overlayboot.cli.Cli.run("commit", "--root", work.toString(), "--lower", work.toString(), "/etc/hostname");
        assertThat(run.code()).as(run.err()).isEqualTo(io.overlayboot.core.ExitCode.ENVIRONMENT.code());
        assertThat(run.err()).contains("is not protected").doesNotContain("remount");
    }

    @Test
    void refusesRelativeAndParentPaths() {
        var e = org.assertj.core.api.Assertions.catchThrowableOfType(io.overlayboot.core.OverlaybootException.class,
                () -> Commit.commit(work, work, List.of("etc/hostname")));
        assertThat(e.getMessage()).contains("Cannot commit 'etc/hostname'");
        e = org.assertj.core.api.Assertions.catchThrowableOfType(io.overlayboot.core.OverlaybootException.class,
                () -> Commit.commit(work, work, List.of("/etc/../../x")));
        assertThat(e.exitCode()).isEqualTo(io.overlayboot.core.ExitCode.BAD_INPUT);
    }

    private static String debugfs(String image, String request) {
        return Exec.run(List.of("debugfs", "-R", request, image), Duration.ofSeconds(20)).stdout();
    }
}

package io.overlayboot.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StatusTest {
    @TempDir
    Path root;

    @Test
    void protectedRootWithItsBootRecordAndUpperUsage() throws Exception {
        Files.createDirectories(root.resolve("run/overlayboot"));
        Files.createDirectories(root.resolve("rw/upper"));
        Files.writeString(root.resolve("run/overlayboot/state"), """
                status=protected
                message=protected: writes go to tmpfs (size 50%)
                size=50%
                warning=overlayboot: unknown option 'sise' in 'overlayboot=tmpfs:sise=1', ignoring it
                """);
        Path mounts = Files.writeString(root.resolve("mounts"), """
                /dev/vda / ext4 ro,relatime 0 0
                overlayboot / overlay rw,lowerdir=/ro,upperdir=/rw/upper,workdir=/rw/work 0 0
                overlayboot-rw /rw tmpfs rw 0 0
                """);
        Status s = Status.read(root, mounts);
        assertThat(s.protectedNow()).isTrue();
        assertThat(s.upperTotal()).isPositive();
        assertThat(s.describe()).first().asString().startsWith("protected: / is an overlay union");
        assertThat(s.describe()).contains("boot: protected: writes go to tmpfs (size 50%)",
                "boot warning: overlayboot: unknown option 'sise' in 'overlayboot=tmpfs:sise=1', ignoring it");
    }

    @Test
    void plainRootIsReportedAsNotProtectedEvenWhenTheStateSaysFailed() throws Exception {
        Files.createDirectories(root.resolve("run/overlayboot"));
        Files.writeString(root.resolve("run/overlayboot/state"), "status=failed\nmessage=no union filesystem; booted unprotected\n");
        Path mounts = Files.writeString(root.resolve("mounts"), "/dev/vda / ext4 rw,relatime 0 0\n");
        Status s = Status.read(root, mounts);
        assertThat(s.protectedNow()).isFalse();
        assertThat(s.describe()).containsExactly("NOT protected: / is ext4; writes go to disk",
                "boot: failed: no union filesystem; booted unprotected");
    }

    /** The kernel writes a space in a mount point as {@code \040}: a root whose path has one is still found. */
    @Test
    void aRootWhosePathHasASpaceIsFoundThroughTheEscapedTable() throws Exception {
        Path sys = Files.createDirectories(root.resolve("my system"));
        Files.createDirectories(sys.resolve("rw"));
        Files.createDirectories(sys.resolve("ro"));
        String at = sys.toString().replace(" ", "\\040");
        Path mounts = Files.writeString(root.resolve("mounts"), "overlayboot " + at + " overlay rw 0 0\n"
                + "my\\040disk " + at + "/ro ext4 ro 0 0\n" + "upper " + at + "/rw tmpfs rw 0 0\n");
        Status s = Status.read(sys, mounts);
        assertThat(s.protectedNow()).isTrue();
        assertThat(s.lower()).hasValueSatisfying(l -> assertThat(l.device()).isEqualTo("my disk"));
        assertThat(s.upper()).hasValueSatisfying(l -> assertThat(l.type()).isEqualTo("tmpfs"));
    }

    /** A persisted path is in force when a mount sits at it, its point escaped in the table. */
    @Test
    void aPersistedPathWithAnEscapedMountPointIsInForce() throws Exception {
        Path mounts = Files.writeString(root.resolve("mounts"), "/dev/vda1 /srv/my\\040data ext4 rw 0 0\n");
        assertThat(PersistedPaths.mountPoints(mounts)).contains("/srv/my data");
        PersistedPaths p = PersistedPaths.of(java.util.Map.of("persisted", "/srv/my data"), PersistedPaths.mountPoints(mounts));
        assertThat(p.inForce()).containsExactly("/srv/my data");
    }
}

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
        assertThat(s.describe()).first().asString().startsWith("protected: / is a overlay union");
        assertThat(s.describe()).contains("boot: protected: protected: writes go to tmpfs (size 50%)",
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
}

package io.overlayboot.helper;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The boot helper reads mount points as the kernel escapes them, as {@code files/ProcMounts} does. */
class MountTableTest {
    @TempDir
    Path dir;

    @Test
    void mountPointsWithEscapedSpacesAreReadAsTheirNames() throws IOException {
        Path mounts = Files.writeString(dir.resolve("mounts"), """
                /dev/vda / ext4 ro,relatime 0 0
                /dev/vdb /root/srv/my\\040data ext4 rw,relatime 0 0
                tmpfs /root/back\\134slash tmpfs rw 0 0
                """);
        MountTable table = new MountTable(mounts);

        assertThat(table.below("/root")).containsExactly("/root/srv/my data", "/root/back\\slash");
        assertThat(table.typeAt("/root/srv/my data")).contains("ext4");
        assertThat(table.typeAt("/root/srv/my\\040data")).isEmpty();
    }
}

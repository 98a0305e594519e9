package io.overlayboot.helper;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The FFM layer against the real kernel: tmpfs, overlay, MS_MOVE, umount2, errno messages and a
 * labelled ext4 loop device, run by {@link SyscallsScenario} in a child JVM inside
 * {@code unshare -m -p -f}, so no mount reaches the host.
 */
class SyscallsTest {
    @TempDir
    Path dir;

    private String loop;

    @BeforeEach
    void makeLabelledLoopDevice() throws Exception {
        Path image = dir.resolve("upper.img");
        Path content = Files.createDirectories(dir.resolve("content"));
        Files.writeString(content.resolve("hello"), "hello from ext4\n");
        Processes.run("mke2fs", "-q", "-F", "-t", "ext4", "-L", "obtest", "-d", content.toString(), image.toString(),
                "8M");
        loop = Processes.run("losetup", "--find", "--show", image.toString()).strip();
    }

    @AfterEach
    void detach() throws Exception {
        if (loop != null) {
            Processes.run("losetup", "-d", loop);
        }
    }

    @Test
    void mountsMovesUnmountsAndReportsErrnoForReal() throws Exception {
        Path scratch = Files.createDirectories(dir.resolve("scratch"));
        Map<String, String> seen = observations(Processes.run(Processes.inNamespace(
                Processes.javaCommand(SyscallsScenario.class.getName(), scratch.toString(), loop))));

        assertThat(seen.get("tmpfs")).startsWith("obtmpfs tmpfs rw,").contains("size=1024k");
        assertThat(seen.get("overlay")).startsWith("obunion overlay rw,").contains("lowerdir=" + scratch.resolve("a/lower"));
        assertThat(seen.get("overlay-read")).isEqualTo("from the lower layer");
        assertThat(seen.get("upper-got")).isEqualTo("written through the union");
        assertThat(seen.get("lower-has-new")).isEqualTo("false");
        assertThat(seen.get("moved-to")).startsWith("obunion overlay");
        assertThat(seen.get("left-behind")).isEqualTo("none");
        assertThat(seen.get("after-umount-b")).isEqualTo("none");
        assertThat(seen.get("after-umount-a")).isEqualTo("none");
        assertThat(seen.get("enoent")).isEqualTo("2 No such file or directory | mount tmpfs on " + scratch.resolve("missing")
                + " type tmpfs: No such file or directory (errno 2)");
        assertThat(seen.get("einval")).isEqualTo("22 Invalid argument | umount " + scratch.resolve("b")
                + ": Invalid argument (errno 22)");
        assertThat(seen.get("enodev")).startsWith("19 No such device");
        assertThat(seen.get("label-found")).isEqualTo(loop);
        assertThat(seen.get("uuid-found")).isEqualTo(loop);
        assertThat(seen.get("fstype")).isEqualTo("ext4");
        assertThat(seen.get("missing-label")).isEqualTo("none");
        assertThat(seen.get("ext4")).startsWith(loop + " ext4 ro,");
        assertThat(seen.get("ext4-file")).isEqualTo("hello from ext4");
    }

    @Test
    void strerrorNamesTheErrno() {
        assertThat(Syscalls.strerror(2)).isEqualTo("No such file or directory");
        assertThat(Syscalls.strerror(16)).isEqualTo("Device or resource busy");
    }

    private static Map<String, String> observations(String output) {
        Map<String, String> seen = new LinkedHashMap<>();
        output.lines().filter(l -> l.contains("=")).forEach(l -> seen.put(l.substring(0, l.indexOf('=')),
                l.substring(l.indexOf('=') + 1)));
        return seen;
    }
}

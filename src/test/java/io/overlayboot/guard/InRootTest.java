package io.overlayboot.guard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Paths inside a root, with links followed as {@code chroot} would:
 * <pre>
 * root/usr/lib/modules/K/
 * root/lib -> usr/lib
 * root/boot/vmlinuz-K
 * root/vmlinuz -> boot/vmlinuz-K
 * root/boot/abs -> /boot/vmlinuz-K
 * root/boot/out -> OUTSIDE/secret          (absolute host path)
 * root/boot/up -> ../../../../../etc
 * root/loop -> loop
 * </pre>
 */
class InRootTest {
    @TempDir
    Path root;

    @TempDir
    Path outside;

    private InRoot in;

    @BeforeEach
    void tree() throws IOException {
        Files.createDirectories(root.resolve("usr/lib/modules/K"));
        Files.createSymbolicLink(root.resolve("lib"), Path.of("usr/lib"));
        Files.createDirectories(root.resolve("boot"));
        Files.writeString(root.resolve("boot/vmlinuz-K"), "");
        Files.createSymbolicLink(root.resolve("vmlinuz"), Path.of("boot/vmlinuz-K"));
        Files.createSymbolicLink(root.resolve("boot/abs"), Path.of("/boot/vmlinuz-K"));
        Files.writeString(outside.resolve("secret"), "host");
        Files.createSymbolicLink(root.resolve("boot/out"), outside.resolve("secret"));
        Files.createSymbolicLink(root.resolve("boot/up"), Path.of("../../../../../etc"));
        Files.createSymbolicLink(root.resolve("loop"), Path.of("loop"));
        in = new InRoot(root);
    }

    @Test
    void linksInsideTheRootAreFollowed() throws IOException {
        assertThat(in.find("lib/modules/K")).contains(root.resolve("usr/lib/modules/K"));
        assertThat(in.find("/vmlinuz")).contains(root.resolve("boot/vmlinuz-K"));
        assertThat(in.find("boot/abs")).contains(root.resolve("boot/vmlinuz-K"));
    }

    @Test
    void nothingLeadsOutOfTheRoot() throws IOException {
        assertThat(in.find("boot/out")).isEmpty();
        assertThat(in.resolve("boot/out")).isEqualTo(root.resolve(outside.toString().substring(1)).resolve("secret"));
        assertThat(in.resolve("boot/up")).isEqualTo(root.resolve("etc"));
        assertThat(in.resolve("../../..")).isEqualTo(root);
        assertThat(in.find(outside.resolve("secret").toString())).isEmpty();
    }

    @Test
    void aLoopIsAnErrorNotAHang() {
        assertThatThrownBy(() -> in.resolve("loop/x")).isInstanceOf(IOException.class).hasMessageContaining("too many");
        assertThat(in.find("loop")).isEmpty();
    }

    @Test
    void belowAMissingComponentNothingExistsAndDotDotClimbsBackOut() throws IOException {
        assertThat(in.find("boot/grub/grub.cfg")).isEmpty();
        assertThat(in.resolve("boot/grub/grub.cfg")).isEqualTo(root.resolve("boot/grub/grub.cfg"));
        assertThat(in.find("boot/vmlinuz-K/x")).isEmpty(); // under a file
        assertThat(in.find("boot/grub/../vmlinuz")).isEmpty(); // '..' of a missing directory is its parent, as before
        assertThat(in.find("boot/grub/../vmlinuz-K")).contains(root.resolve("boot/vmlinuz-K"));
        assertThat(in.find("no/such/../../lib/modules/K")).contains(root.resolve("usr/lib/modules/K"));
        assertThat(in.find("no/such/..")).isEmpty();
        assertThat(in.find("boot/grub/..")).contains(root.resolve("boot"));
    }
}

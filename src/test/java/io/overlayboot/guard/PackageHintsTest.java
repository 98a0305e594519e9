package io.overlayboot.guard;

import static org.assertj.core.api.Assertions.assertThat;

import io.overlayboot.render.Renderer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** On a machine with the Debian package, the guard's hints name the package's places and commands. */
class PackageHintsTest {
    @TempDir
    Path root;

    @Test
    void everyHintOfEveryGeneratorNamesThePackagesPlaces() {
        List<String> hints = Generator.ALL.stream().flatMap(g -> g.requirements().stream()).map(r -> r.hint().formatted("6.1.0"))
                .toList();
        assertThat(hints).anyMatch(h -> h.contains("/etc/initramfs-tools/")).anyMatch(h -> h.contains("'overlayboot install'"));
        for (String h : hints) {
            String adapted = PackageHints.adapt(h, true);
            assertThat(adapted).as(h).doesNotContain("/etc/initramfs-tools", "/etc/dracut.conf.d", "overlayboot install");
            assertThat(PackageHints.adapt(h, false)).isEqualTo(h);
        }
        assertThat(PackageHints.adapt(Generator.INITRAMFS_TOOLS.requirements().getFirst().hint(), true))
                .contains("/usr/share/initramfs-tools/scripts/init-bottom/overlayboot", "apt install --reinstall overlayboot");
    }

    @Test
    void nextBootCheckSaysEnableWhereThePackageIsInstalled() throws Exception {
        Files.createDirectories(root.resolve("lib/modules/6.1.0-test"));
        Files.createDirectories(root.resolve("boot"));
        Files.writeString(root.resolve("boot/vmlinuz-6.1.0-test"), "");
        assertThat(reasons()).contains("overlayboot install --mode tmpfs --no-grub");

        Files.createDirectories(root.resolve("var/lib/dpkg/info"));
        Files.writeString(root.resolve("var/lib/dpkg/info/overlayboot.list"), "/" + Renderer.LIBRARY + "\n");
        assertThat(reasons()).contains("overlayboot enable --no-grub").doesNotContain("overlayboot install");
    }

    private String reasons() {
        return String.join("\n", new NextBootCheck(root).check().reasons().stream().map(Reason::line).toList());
    }
}

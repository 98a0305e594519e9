package io.overlayboot.guard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.overlayboot.core.ExitCode;
import io.overlayboot.core.OverlaybootException;
import io.overlayboot.render.BootMenu;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * next-boot's files on a root drawn here: GRUB's grubenv against the real grub.cfg that
 * grub-mkconfig wrote in the cached bookworm chroot with overlayboot's entries
 * ({@code grub-mkconfig-bookworm-entries.cfg}: GRUB_DEFAULT=0, a device upper configured), and the
 * flag file without GRUB.
 */
class OneShotTest {
    @TempDir
    Path root;

    private static String realGrubCfg() throws IOException {
        return new String(OneShotTest.class.getResourceAsStream("grub-mkconfig-bookworm-entries.cfg").readAllBytes(),
                StandardCharsets.UTF_8);
    }

    private Path grubCfg(String text) throws IOException {
        Files.createDirectories(root.resolve("boot/grub"));
        return Files.writeString(root.resolve("boot/grub/grub.cfg"), text);
    }

    private String grubenv() throws IOException {
        return Files.readString(root.resolve("boot/grub/grubenv"));
    }

    @Test
    void writableSetsNextEntryInANewBlockOf1024BytesAndGrubBootsTheMaintenanceEntryOnce() throws IOException {
        grubCfg(realGrubCfg());
        OneShot.Done done = OneShot.choose(root, OneShot.Choice.WRITABLE);
        assertThat(done.entry()).isEqualTo(BootMenu.WRITABLE);
        assertThat(done.changed()).isTrue();
        assertThat(done.before()).isNull();
        byte[] block = Files.readAllBytes(root.resolve("boot/grub/grubenv"));
        assertThat(block).hasSize(1024);
        assertThat(new String(block, StandardCharsets.US_ASCII)).startsWith("# GRUB Environment Block\nnext_entry=overlayboot-writable\n###");
        assertThat(OneShot.pending(root)).contains(new OneShot.Pending("writable", "grubenv", BootMenu.WRITABLE));

        GrubConfig.Choice choice = GrubConfig.parse(realGrubCfg()).choose(GrubEnv.parse(grubenv()));
        assertThat(choice.entry().title()).isEqualTo("Debian GNU/Linux, Linux 6.1.0-50-amd64: maintenance (writable, NOT protected)");
        assertThat(choice.entry().arguments()).endsWith(" overlayboot=disabled");
        assertThat(choice.source()).startsWith("grubenv next_entry");
    }

    @Test
    void anExistingGrubenvIsRewrittenInPlaceKeepingTheAdminsVariables() throws IOException {
        grubCfg(realGrubCfg());
        byte[] admin = GrubEnv.format(java.util.Map.of("saved_entry", "gnulinux-simple-x", "timeout", "3"), 1024).orElseThrow();
        Path env = Files.write(root.resolve("boot/grub/grubenv"), admin);
        Object inode = Files.readAttributes(env, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();

        OneShot.choose(root, OneShot.Choice.PROTECTED);
        assertThat(Files.readAttributes(env, BasicFileAttributes.class).fileKey()).as("same file, as GRUB's save_env").isEqualTo(inode);
        assertThat(Files.size(env)).isEqualTo(1024);
        assertThat(GrubEnv.parse(grubenv())).containsEntry("saved_entry", "gnulinux-simple-x").containsEntry("timeout", "3")
                .containsEntry("next_entry", BootMenu.DEVICE);

        OneShot.Done cancel = OneShot.choose(root, OneShot.Choice.DEFAULT);
        assertThat(cancel.changed()).isTrue();
        assertThat(cancel.before()).isEqualTo(new OneShot.Pending("protected", "grubenv", BootMenu.DEVICE));
        assertThat(Files.readAllBytes(env)).as("every byte of the admin's block back").isEqualTo(admin);
        assertThat(OneShot.pending(root)).isEmpty();
        assertThat(OneShot.choose(root, OneShot.Choice.DEFAULT).changed()).isFalse();
    }

    @Test
    void protectedChoosesTheRamEntryWhenNoDeviceIsConfigured() throws IOException {
        String cfg = realGrubCfg();
        int device = cfg.indexOf("menuentry 'Debian GNU/Linux, Linux 6.1.0-50-amd64: protected (device)'");
        int writable = cfg.indexOf("menuentry 'Debian GNU/Linux, Linux 6.1.0-50-amd64: maintenance");
        grubCfg(cfg.substring(0, device) + cfg.substring(writable));
        assertThat(OneShot.choose(root, OneShot.Choice.PROTECTED).entry()).isEqualTo(BootMenu.RAM);
        assertThat(OneShot.choose(root, OneShot.Choice.PROTECTED).changed()).as("already pending").isFalse();
    }

    @Test
    void aGrubCfgWithoutTheEntriesOrWithoutTheOneShotBranchIsRefusedAndNothingIsWritten() throws IOException {
        String cfg = realGrubCfg();
        grubCfg(cfg.substring(0, cfg.indexOf("### BEGIN /etc/grub.d/42_overlayboot ###")));
        assertThatThrownBy(() -> OneShot.choose(root, OneShot.Choice.WRITABLE)).isInstanceOf(OverlaybootException.class)
                .hasMessageContaining("has no menu entry 'overlayboot-writable'")
                .satisfies(e -> assertThat(((OverlaybootException) e).exitCode()).isEqualTo(ExitCode.ENVIRONMENT))
                .satisfies(e -> assertThat(((OverlaybootException) e).hint()).contains("update-grub"));
        grubCfg(cfg.replace("set default=\"${next_entry}\"", "set default=\"0\""));
        assertThatThrownBy(() -> OneShot.choose(root, OneShot.Choice.WRITABLE)).isInstanceOf(OverlaybootException.class)
                .hasMessageContaining("does not take a one-shot default");
        assertThat(root.resolve("boot/grub/grubenv")).doesNotExist();
    }

    @Test
    void withoutGrubTheFlagFileCarriesTheChoiceAndDefaultRemovesIt() throws IOException {
        OneShot.Done done = OneShot.choose(root, OneShot.Choice.WRITABLE);
        assertThat(done.via()).isEqualTo("flag");
        assertThat(root.resolve(OneShot.FLAG)).hasContent("writable");
        assertThat(OneShot.pending(root)).contains(new OneShot.Pending("writable", "flag", ""));
        OneShot.choose(root, OneShot.Choice.PROTECTED);
        assertThat(root.resolve(OneShot.FLAG)).hasContent("protected");
        assertThat(OneShot.choose(root, OneShot.Choice.DEFAULT).changed()).isTrue();
        assertThat(root.resolve(OneShot.FLAG)).doesNotExist();
        assertThat(root.resolve("etc/overlayboot")).isDirectory();
        assertThat(OneShot.pending(root)).isEmpty();
    }

    @Test
    void onAProtectedRootTheFlagIsReadFromTheLowerAsTheBootSeesIt() throws IOException {
        Files.createDirectories(root.resolve("ro/etc/overlayboot"));
        Files.createDirectories(root.resolve("etc/overlayboot"));
        Files.writeString(root.resolve("etc/overlayboot/next-boot"), "protected\n"); // a stale copy in the union
        assertThat(OneShot.pending(root)).isEmpty();
        Files.writeString(root.resolve("ro/" + OneShot.FLAG), "writable\n");
        assertThat(OneShot.pending(root)).contains(new OneShot.Pending("writable", "flag", ""));
    }

    @Test
    void aGrubenvValueWithABackslashOrNewlineRoundTrips() {
        var env = new java.util.LinkedHashMap<String, String>();
        env.put("a", "x\\y\nz");
        byte[] block = GrubEnv.format(env, 1024).orElseThrow();
        assertThat(new String(block, StandardCharsets.US_ASCII)).contains("a=x\\\\y\\nz\n");
        assertThat(GrubEnv.parse(new String(block, StandardCharsets.US_ASCII))).isEqualTo(env);
        assertThat(GrubEnv.format(java.util.Map.of("big", "v".repeat(2000)), 1024)).isEmpty();
    }
}

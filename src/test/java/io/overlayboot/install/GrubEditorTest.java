package io.overlayboot.install;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import io.overlayboot.files.AtomicFiles;
import io.overlayboot.files.FileMeta;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class GrubEditorTest {
    private static final String DEBIAN = DebianTree.GRUB;

    @Test
    void appendsToTheDoubleQuotedDebianValueAndKeepsEverythingElse() {
        String edited = GrubEditor.add(DEBIAN, "aufs=tmpfs");
        assertThat(edited).isEqualTo(DEBIAN.replace("=\"quiet\"", "=\"quiet aufs=tmpfs\""));
        assertThat(GrubEditor.remove(edited, "aufs")).isEqualTo(DEBIAN);
    }

    @Test
    void addingTwiceChangesNothing() {
        String once = GrubEditor.add(DEBIAN, "aufs=tmpfs");
        assertThat(GrubEditor.add(once, "aufs=tmpfs")).isEqualTo(once);
    }

    @Test
    void replacesAValueTypedByHandInsteadOfDuplicatingIt() {
        String text = "GRUB_CMDLINE_LINUX_DEFAULT=\"quiet aufs=LABEL=old splash\"\n";
        assertThat(GrubEditor.add(text, "aufs=tmpfs"))
                .isEqualTo("GRUB_CMDLINE_LINUX_DEFAULT=\"quiet aufs=tmpfs splash\"\n");
    }

    @Test
    void editsOnlyTheLastAssignmentAndDropsTheParameterFromEarlierOnes() {
        String text = """
                GRUB_CMDLINE_LINUX_DEFAULT="aufs=x quiet"
                GRUB_CMDLINE_LINUX_DEFAULT="$GRUB_CMDLINE_LINUX_DEFAULT splash"
                """;
        assertThat(GrubEditor.add(text, "aufs=tmpfs")).isEqualTo("""
                GRUB_CMDLINE_LINUX_DEFAULT="quiet"
                GRUB_CMDLINE_LINUX_DEFAULT="$GRUB_CMDLINE_LINUX_DEFAULT splash aufs=tmpfs"
                """);
    }

    @Test
    void keepsSingleQuotesAndBareValuesInTheirStyle() {
        assertThat(GrubEditor.add("GRUB_CMDLINE_LINUX_DEFAULT='quiet'\n", "aufs=tmpfs"))
                .isEqualTo("GRUB_CMDLINE_LINUX_DEFAULT='quiet aufs=tmpfs'\n");
        assertThat(GrubEditor.add("GRUB_CMDLINE_LINUX_DEFAULT=quiet # fast\n", "aufs=tmpfs"))
                .isEqualTo("GRUB_CMDLINE_LINUX_DEFAULT=quiet\\ aufs=tmpfs # fast\n");
        assertThat(GrubEditor.add("export GRUB_CMDLINE_LINUX_DEFAULT=\n", "aufs=tmpfs"))
                .isEqualTo("export GRUB_CMDLINE_LINUX_DEFAULT=aufs=tmpfs\n");
    }

    @Test
    void handlesContinuationLinesInsideTheValue() {
        String text = "GRUB_CMDLINE_LINUX_DEFAULT=\"quiet \\\n  splash\"\nGRUB_TIMEOUT=1\n";
        String edited = GrubEditor.add(text, "aufs=tmpfs");
        assertThat(edited).isEqualTo("GRUB_CMDLINE_LINUX_DEFAULT=\"quiet \\\n  splash aufs=tmpfs\"\nGRUB_TIMEOUT=1\n");
        assertThat(GrubEditor.remove(edited, "aufs")).isEqualTo(text);
    }

    @Test
    void ignoresCommentsAndOtherVariablesThatMentionTheName() {
        String text = """
                # GRUB_CMDLINE_LINUX_DEFAULT="aufs=no"
                MY_GRUB_CMDLINE_LINUX_DEFAULT="aufs=no"
                X='GRUB_CMDLINE_LINUX_DEFAULT="aufs=no"'
                GRUB_CMDLINE_LINUX_DEFAULT="quiet"
                """;
        assertThat(GrubEditor.add(text, "aufs=tmpfs")).isEqualTo(text.replace("\"quiet\"", "\"quiet aufs=tmpfs\""));
    }

    @Test
    void appendsAMarkedLineWhenThereIsNoAssignmentAndRemovesItAgain() {
        for (String text : new String[] {"", "GRUB_TIMEOUT=5\n", "GRUB_TIMEOUT=5"}) {
            String edited = GrubEditor.add(text, "aufs=tmpfs");
            assertThat(edited).contains("GRUB_CMDLINE_LINUX_DEFAULT=\"aufs=tmpfs\" # added by overlayboot");
            assertThat(GrubEditor.carries(edited, "aufs=tmpfs")).isTrue();
            assertThat(GrubEditor.remove(edited, "aufs")).isEqualTo(text);
        }
    }

    @Test
    void refusesWhatItCannotEditSafely() {
        assertThatThrownBy(() -> GrubEditor.add("GRUB_CMDLINE_LINUX_DEFAULT=\"quiet\n", "aufs=tmpfs"))
                .isInstanceOf(GrubParseException.class).hasMessageContaining("never closed");
        assertThatThrownBy(() -> GrubEditor.add("GRUB_CMDLINE_LINUX_DEFAULT=\"$(cat /x)\"\n", "aufs=tmpfs"))
                .hasMessageContaining("command substitution");
        assertThatThrownBy(() -> GrubEditor.add("GRUB_CMDLINE_LINUX_DEFAULT=\"a\"'b'\n", "aufs=tmpfs"))
                .hasMessageContaining("line 1");
        assertThatThrownBy(() -> GrubEditor.add("\nGRUB_CMDLINE_LINUX_DEFAULT=\"a\"; X=1\n", "aufs=tmpfs"))
                .hasMessageContaining("line 2").hasMessageContaining("X=1");
    }

    @Test
    void editsAFileInPlaceKeepingItsModeAndOwner() throws Exception {
        try (FileSystem fs = Jimfs.newFileSystem(Configuration.unix().toBuilder()
                .setAttributeViews("basic", "owner", "posix", "unix").build())) {
            Path grub = fs.getPath("/etc/default/grub");
            Files.createDirectories(grub.getParent());
            Files.writeString(grub, DEBIAN);
            new FileMeta(0600, "root", "adm").apply(grub);
            String edited = GrubEditor.add(Files.readString(grub), "aufs=LABEL=data");
            AtomicFiles.write(grub, edited.getBytes(StandardCharsets.UTF_8), FileMeta.permissionsOf(0644));
            assertThat(Files.readString(grub)).contains("GRUB_CMDLINE_LINUX_DEFAULT=\"quiet aufs=LABEL=data\"");
            assertThat(FileMeta.read(grub)).isEqualTo(new FileMeta(0600, "root", "adm"));
            try (var listing = Files.list(grub.getParent())) {
                assertThat(listing).containsExactly(grub);
            }
        }
    }
}

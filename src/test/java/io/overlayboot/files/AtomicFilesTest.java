package io.overlayboot.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import java.io.IOException;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {
    @TempDir
    Path tmp;

    private static FileSystem jimfs() {
        return Jimfs.newFileSystem(Configuration.unix().toBuilder()
                .setAttributeViews("basic", "owner", "posix", "unix").build());
    }

    @Test
    void aNewFileGetsTheNamedModeAndNoTemporaryFileStays() throws Exception {
        try (FileSystem fs = jimfs()) {
            Path dir = Files.createDirectories(fs.getPath("/etc"));
            Path target = dir.resolve("overlayboot.conf");
            AtomicFiles.write(target, "a=1\n".getBytes(), FileMeta.permissionsOf(0640));
            assertThat(Files.readString(target)).isEqualTo("a=1\n");
            assertThat(FileMeta.read(target).mode()).isEqualTo(0640);
            assertThat(list(dir)).containsExactly(target);
        }
    }

    @Test
    void aReplacedFileKeepsItsModeAndOwnerOnJimfs() throws Exception {
        try (FileSystem fs = jimfs()) {
            Path target = Files.createDirectories(fs.getPath("/etc/default")).resolve("grub");
            Files.writeString(target, "old");
            new FileMeta(0600, "admin", "adm").apply(target);
            AtomicFiles.write(target, "new".getBytes(), FileMeta.permissionsOf(0644));
            assertThat(Files.readString(target)).isEqualTo("new");
            assertThat(FileMeta.read(target)).isEqualTo(new FileMeta(0600, "admin", "adm"));
        }
    }

    @Test
    void aReplacedFileKeepsItsNumericOwnerOnTheRealFilesystem() throws Exception {
        Path target = tmp.resolve("grub");
        Files.writeString(target, "old");
        new FileMeta(0604, "1234", "4321").apply(target);
        AtomicFiles.write(target, "new".getBytes(), FileMeta.permissionsOf(0644));
        assertThat(FileMeta.read(target)).isEqualTo(new FileMeta(0604, "1234", "4321"));
        AtomicFiles.write(target, "exact".getBytes(), new FileMeta(0755, "0", "0"));
        assertThat(FileMeta.read(target)).isEqualTo(new FileMeta(0755, "0", "0"));
        assertThat(list(tmp)).containsExactly(target);
    }

    @Test
    void refusesToWriteThroughASymbolicLinkOrOverADirectory() throws Exception {
        Path real = Files.writeString(tmp.resolve("real"), "keep");
        Path link = Files.createSymbolicLink(tmp.resolve("link"), real);
        assertThatThrownBy(() -> AtomicFiles.write(link, "x".getBytes(), FileMeta.permissionsOf(0644)))
                .isInstanceOf(IOException.class).hasMessageContaining("symbolic link");
        assertThat(Files.readString(real)).isEqualTo("keep");
        Path dir = Files.createDirectory(tmp.resolve("dir"));
        assertThatThrownBy(() -> AtomicFiles.write(dir, "x".getBytes(), FileMeta.permissionsOf(0644)))
                .hasMessageContaining("directory");
    }

    @Test
    void aFailedWriteLeavesTheOldFileAndNoTemporaryFile() throws Exception {
        Path target = Files.writeString(tmp.resolve("conf"), "old");
        FileMeta unknownOwner = new FileMeta(0644, "not-a-number", "0");
        assertThatThrownBy(() -> AtomicFiles.write(target, "new".getBytes(), unknownOwner))
                .isInstanceOf(NumberFormatException.class);
        assertThat(Files.readString(target)).isEqualTo("old");
        assertThat(list(tmp)).containsExactly(target);
    }

    @Test
    void deleteRemovesAndToleratesAbsence() throws Exception {
        Path target = Files.writeString(tmp.resolve("gone"), "x");
        AtomicFiles.delete(target);
        AtomicFiles.delete(target);
        assertThat(target).doesNotExist();
    }

    private static java.util.List<Path> list(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.toList();
        }
    }
}

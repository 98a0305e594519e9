package io.overlayboot.install;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import io.overlayboot.core.OverlaybootException;
import io.overlayboot.files.FileMeta;
import io.overlayboot.install.Manifest.Entry;
import io.overlayboot.install.Manifest.GrubMethod;
import io.overlayboot.install.Manifest.Original;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ManifestTest {
    private static final Manifest SAMPLE = new Manifest(GrubMethod.EDIT, Map.of("size", "25%", "dev", "LABEL=a"),
            List.of("kernel.core_pattern=|/bin/x \"%e\""), true, List.of("var/lib/overlayboot", "var/lib/overlayboot/backup"),
            List.of(new Entry("etc/overlayboot.conf", "aa", new FileMeta(0644, "0", "0"), Optional.empty()),
                    new Entry("etc/default/grub", "bb", new FileMeta(0600, "root", "adm"),
                            Optional.of(new Original("cc", new FileMeta(0600, "root", "adm"),
                                    "var/lib/overlayboot/backup/etc/default/grub")))));

    @Test
    void storesAndLoadsEveryFieldOnJimfs() throws Exception {
        try (FileSystem fs = Jimfs.newFileSystem(Configuration.unix().toBuilder().setAttributeViews("basic", "owner", "posix").build())) {
            Path root = Files.createDirectories(fs.getPath("/target"));
            assertThat(Manifest.load(root)).isEmpty();
            Files.createDirectories(root.resolve(Manifest.DIR));
            SAMPLE.store(root);
            assertThat(Manifest.load(root)).contains(SAMPLE);
            assertThat(Files.readString(root.resolve(Manifest.PATH)))
                    .contains("\"grub\": \"edit\"", "\"mode\": \"0600\"", "\"backup\": \"var/lib/overlayboot/backup/etc/default/grub\"");
        }
    }

    @Test
    void aDamagedManifestIsReportedAsBadInput() throws Exception {
        try (FileSystem fs = Jimfs.newFileSystem(Configuration.unix().toBuilder().setAttributeViews("basic", "owner", "posix").build())) {
            Path root = fs.getPath("/");
            Files.createDirectories(root.resolve(Manifest.DIR));
            Files.writeString(root.resolve(Manifest.PATH), SAMPLE.toJson().substring(0, 200));
            assertThatThrownBy(() -> Manifest.load(root)).isInstanceOf(OverlaybootException.class)
                    .hasMessageContaining("manifest /var/lib/overlayboot/manifest.json is damaged: not JSON");
        }
    }

    @Test
    void refusesPathsThatLeaveTheRoot() {
        String evil = SAMPLE.toJson().replace("\"etc/overlayboot.conf\"", "\"../../etc/shadow\"");
        assertThatThrownBy(() -> Manifest.fromJson(evil)).hasMessageContaining("leaves the target root");
        String absolute = SAMPLE.toJson().replace("\"var/lib/overlayboot/backup/etc/default/grub\"", "\"/etc/shadow\"");
        assertThatThrownBy(() -> Manifest.fromJson(absolute)).hasMessageContaining("leaves the target root");
    }

    @Test
    void theRenderRequestComesBackFromTheOptions() {
        Manifest dropIn = new Manifest(GrubMethod.DROP_IN, Map.of("mode", "device", "dev", "LABEL=up"), List.of(), false,
                List.of(), List.of());
        assertThat(dropIn.request().grub()).isTrue();
        assertThat(dropIn.request().kernelParameter()).isEqualTo("aufs=LABEL=up");
        assertThat(SAMPLE.request().grub()).isFalse();
    }

    @Test
    void aManifestWrittenByTheFirstReleaseReadsBackAndIsWrittenAgainByteForByte() throws Exception {
        for (String name : List.of("manifest-format-1.json", "manifest-format-1-empty.json")) {
            String old;
            try (var in = ManifestTest.class.getResourceAsStream(name)) {
                old = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            }
            Manifest read = Manifest.fromJson(old);
            assertThat(read.toJson()).as(name).isEqualTo(old);
            if (name.equals("manifest-format-1.json")) {
                assertThat(read).isEqualTo(SAMPLE);
            }
        }
    }

    @Test
    void anUnknownFormatIsRefused() {
        assertThatThrownBy(() -> Manifest.fromJson(SAMPLE.toJson().replace("\"format\": 1", "\"format\": 2")))
                .hasMessageContaining("\"format\" is 2, this version reads format 1");
        assertThatThrownBy(() -> Manifest.fromJson(SAMPLE.toJson().replace("\"format\": 1", "\"format\": 1.5")))
                .hasMessageContaining("\"format\" is 1.5, this version reads format 1");
    }
}

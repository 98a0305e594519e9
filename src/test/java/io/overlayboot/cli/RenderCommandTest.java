package io.overlayboot.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.overlayboot.core.ExitCode;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/** {@code render} refuses the values the kernel or the boot script would misread, before writing anything. */
class RenderCommandTest {
    @TempDir
    Path work;

    @ParameterizedTest(name = "--dev {0}")
    @ValueSource(strings = {"/dev/../../etc/passwd", "/dev/disk/../sda", "UUID=--", "UUID=-ab", "PARTUUID=ab--cd",
        "UUID=0123456789abcdef0123456789abcdef01234"})
    void malformedDevicesAreRefused(String dev) {
        Cli.Run r = Cli.run("render", "--out", work.toString(), "--dev", dev);
        assertThat(r.code()).isEqualTo(ExitCode.BAD_INPUT.code());
        assertThat(r.err()).startsWith("overlayboot: Bad value '" + dev + "' for --dev").hasLineCount(1);
        assertThat(work).isEmptyDirectory();
    }

    @ParameterizedTest(name = "--dev LABEL= of {0} characters")
    @ValueSource(ints = {256, 5000})
    void overLongLabelsAreRefused(int length) {
        Cli.Run r = Cli.run("render", "--out", work.toString(), "--dev", "LABEL=" + "x".repeat(length));
        assertThat(r.code()).isEqualTo(ExitCode.BAD_INPUT.code());
        assertThat(work).isEmptyDirectory();
    }

    @ParameterizedTest(name = "--size {0}")
    @ValueSource(strings = {"17179869184G", "8589934592G", "8796093022208M", "9223372036854775808"})
    void sizesTheKernelWouldWrapAreRefused(String size) {
        Cli.Run r = Cli.run("render", "--out", work.toString(), "--size", size);
        assertThat(r.code()).isEqualTo(ExitCode.BAD_INPUT.code());
        assertThat(r.err()).contains("below 8 EiB").hasLineCount(1);
        assertThat(work).isEmptyDirectory();
    }

    @ParameterizedTest(name = "--dev {0}")
    @ValueSource(strings = {"LABEL=data", "UUID=ABCD-1234", "PARTUUID=12345678-02", "/dev/mapper/vg-upper"})
    void wellFormedDevicesAreRendered(String dev) {
        Cli.Run r = Cli.run("render", "--out", work.toString(), "--dev", dev);
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(work.resolve("etc/default/grub.d/overlayboot.cfg")).content().contains("aufs=" + dev);
    }

    @org.junit.jupiter.api.Test
    void anUnknownLayoutIsRefusedBeforeWriting() {
        Cli.Run r = Cli.run("render", "--out", work.toString(), "--layout", "debian");
        assertThat(r.code()).isEqualTo(ExitCode.USAGE.code());
        assertThat(r.err()).startsWith("overlayboot: Unknown --layout 'debian'").contains("--layout package").hasLineCount(1);
        assertThat(work).isEmptyDirectory();
    }

    @org.junit.jupiter.api.Test
    void thePackageLayoutWritesTheBootFilesUnderUsrAndNoGrubDropIn() {
        Cli.Run r = Cli.run("render", "--out", work.toString(), "--layout", "package");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("nothing switches protection on");
        assertThat(work.resolve("usr/share/initramfs-tools/scripts/init-bottom/overlayboot")).isExecutable();
        assertThat(work.resolve("etc/default/grub.d/overlayboot.cfg")).doesNotExist();
        assertThat(work.resolve("etc/initramfs-tools")).doesNotExist();
    }
}

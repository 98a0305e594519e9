package io.overlayboot.cli;

import io.overlayboot.core.Json;
import io.overlayboot.core.ExitCode;
import io.overlayboot.initramfs.Extractor;
import io.overlayboot.initramfs.Segment;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code overlayboot extract}: unpack an initrd into a directory, safely. */
@Command(name = "extract", mixinStandardHelpOptions = true,
        description = {
            "Unpack an initrd into a directory, safely.",
            "Unpacks every segment of an initrd into DIR, later entries replacing earlier ones as the kernel does.",
            "Refuses absolute names, '..', links that leave the initramfs root and writing through links; skips device"
                    + " nodes and fifos unless --devices. Keeps permission bits (not setuid/setgid/sticky) and mtimes, not owners."
        })
final class ExtractCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "INITRD", description = "The initrd to unpack.")
    private Path initrd;

    @Parameters(index = "1", paramLabel = "DIR", description = "Where to unpack (created if missing).")
    private Path dir;

    @Option(names = "--devices", description = "Create device nodes and fifos (needs root) instead of skipping them.")
    private boolean devices;

    @Mixin
    private JsonOption json;

    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() {
        Output output = new Output(spec.commandLine().getOut(), spec.commandLine().getErr());
        try {
            Extractor x = new Extractor(dir, devices, spec.commandLine().getErr());
            List<Segment> segments = io.overlayboot.initramfs.InitrdReader.read(initrd, x);
            x.finish();
            if (json.enabled()) {
                output.json(Json.object("initrd", initrd.toString(), "dir", dir.toString(), "written", x.written(),
                        "skipped", x.skipped(), "segments", segments.size()));
            } else {
                output.line(String.format("Unpacked %d entries from %d segments into %s%s", x.written(),
                        segments.stream().filter(s -> !s.isPadding()).count(), dir,
                        x.skipped() > 0 ? " (" + x.skipped() + " skipped)" : ""));
            }
        } catch (IOException e) {
            throw InitramfsErrors.of(initrd, e);
        }
        return ExitCode.OK.code();
    }
}

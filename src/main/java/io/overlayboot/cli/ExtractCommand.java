package io.overlayboot.cli;

import io.overlayboot.core.Json;
import io.overlayboot.initramfs.Extractor;
import io.overlayboot.initramfs.InitrdReader;
import io.overlayboot.initramfs.Segment;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code overlayboot extract}: unpack an initrd into a directory, safely. */
@Command(name = "extract", mixinStandardHelpOptions = true,
        description = {
            "Unpack an initrd into a directory, safely.",
            "Unpacks every segment of an initrd into DIR, later entries replacing earlier ones as the kernel does.",
            "Refuses absolute names, '..', links that resolve outside DIR and writing through links; writes absolute link"
                    + " targets relative to the link (they mean the same inside DIR); skips device nodes and fifos unless"
                    + " --devices. Keeps permission bits (not setuid/setgid/sticky) and mtimes, not owners."
        })
final class ExtractCommand implements Subcommand {
    @Parameters(index = "0", paramLabel = "INITRD", description = "The initrd to unpack.")
    private Path initrd;

    @Parameters(index = "1", paramLabel = "DIR", description = "Where to unpack (created if missing).")
    private Path dir;

    @Option(names = "--devices", description = "Create device nodes and fifos (needs root) instead of skipping them.")
    private boolean devices;

    @Mixin
    private JsonOption json;

    @Override
    public Rendered run(Output output) {
        try {
            Extractor x = new Extractor(dir, devices, output.err());
            List<Segment> segments = InitrdReader.read(initrd, x);
            x.finish();
            return Rendered.of(out -> out.println(String.format("Unpacked %d entries from %d segments into %s%s", x.written(),
                            segments.stream().filter(s -> !s.isPadding()).count(), dir,
                            x.skipped() > 0 ? " (" + x.skipped() + " skipped)" : "")),
                    () -> Json.object("initrd", initrd.toString(), "dir", dir.toString(), "written", x.written(),
                            "skipped", x.skipped(), "segments", segments.size()));
        } catch (IOException e) {
            throw InitramfsErrors.of(initrd, e);
        }
    }
}

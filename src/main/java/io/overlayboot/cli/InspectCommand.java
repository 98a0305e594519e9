package io.overlayboot.cli;

import io.overlayboot.initramfs.Listing;
import io.overlayboot.initramfs.Progress;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code overlayboot inspect}: list the segments and entries of any initrd. */
@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = {
            "List the entries and segments of any initrd, like lsinitramfs.",
            "Lists every entry of an initrd, then every segment: offset, length, compression, entries.",
            "Reads what the kernel reads: uncompressed (early microcode) cpio, gzip, zstd, xz, lzma, lz4 (legacy), bzip2,"
                    + " concatenated, with zero padding between. A damaged initrd gives an error with the offset."
        })
final class InspectCommand implements Subcommand {
    @Parameters(index = "0", paramLabel = "INITRD", description = "The initrd (initramfs image) to read.")
    private Path initrd;

    @Option(names = {"-l", "--long"}, description = "Show mode, links, owner, group, size and mtime (UTC) like 'ls -l'.")
    private boolean longFormat;

    @Mixin
    private JsonOption json;

    /** The listing streams, text or JSON, without keeping a 30 MB initrd's entries in memory. */
    @Override
    public Rendered run(Output out) {
        try {
            new Listing(out.out(), longFormat, out.json(), Progress.onTerminal(out.err())).list(initrd);
        } catch (IOException e) {
            out.out().flush();
            throw InitramfsErrors.of(initrd, e);
        }
        return Rendered.printed();
    }
}

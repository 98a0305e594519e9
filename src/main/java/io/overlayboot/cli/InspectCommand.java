package io.overlayboot.cli;

import io.overlayboot.initramfs.Listing;
import io.overlayboot.initramfs.Progress;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * {@code overlayboot inspect}: list the segments and entries of any initrd.
 *
 * <p>Its model is built with picocli's programmatic API ({@link #spec}), not from annotations,
 * like {@code status}'s ({@link Specs} says why: reading annotations cost every start a proxy
 * class per annotation type, generated and compiled anew, about a quarter of {@code inspect}'s CPU
 * time on a 30 MB initrd). {@code ProgrammaticSpecsTest} checks it is what the annotated form was.
 */
final class InspectCommand implements Subcommand {
    static final String NAME = "inspect";
    static final String[] DESCRIPTION = {
        "List the entries and segments of any initrd, like lsinitramfs.",
        "Lists every entry of an initrd, then every segment: offset, length, compression, entries.",
        "Reads what the kernel reads: uncompressed (early microcode) cpio, gzip, zstd, xz, lzma, lz4 (legacy), bzip2,"
                + " concatenated, with zero padding between. A damaged initrd gives an error with the offset."
    };
    static final String INITRD_LABEL = "INITRD";
    static final String INITRD_DESCRIPTION = "The initrd (initramfs image) to read.";
    static final String LONG_SHORT = "-l";
    static final String LONG = "--long";
    static final String LONG_DESCRIPTION = "Show mode, links, owner, group, size and mtime (UTC) like 'ls -l'.";

    private Path initrd;

    private boolean longFormat;

    private final JsonOption json = new JsonOption();

    /** A new {@code inspect} command and its model. */
    static CommandSpec spec() {
        InspectCommand command = new InspectCommand();
        CommandSpec spec = CommandSpec.wrapWithoutInspection(command).name(NAME);
        spec.usageMessage().description(DESCRIPTION);
        Specs.withStandardHelpOptions(spec);
        spec.addPositional(PositionalParamSpec.builder().index("0").paramLabel(INITRD_LABEL).type(Path.class)
                .required(true).descriptionKey("").description(INITRD_DESCRIPTION).converters(Specs.PATH)
                .setter(new Specs.Setter<Path>(v -> command.initrd = v)).getter(new Specs.Getter(() -> command.initrd)).build());
        spec.addOption(Specs.option(LONG_SHORT, boolean.class, "longFormat").names(LONG_SHORT, LONG).description(LONG_DESCRIPTION)
                .setter(new Specs.Setter<Boolean>(v -> command.longFormat = v != null && v))
                .getter(new Specs.Getter(() -> command.longFormat)).build());
        spec.addMixin("json", JsonOption.spec(command.json));
        return spec;
    }

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

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
final class InspectCommand implements PlainLine {
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

    /**
     * This command from a plain command line, or null: {@code inspect} with one initrd that does not
     * start with '-' or '@', and at most once each {@code -l}/{@code --long} and {@code --json}, in
     * any order; anything else (help, {@code --}, bundled short options, an error) is left to
     * picocli. Like {@link StatusCommand#ofPlainLine}, it spares the usual {@code inspect} picocli's
     * start, and {@code ProgrammaticSpecsTest} checks that both paths agree.
     */
    static InspectCommand ofPlainLine(String... args) {
        if (args.length < 2 || !args[0].equals(NAME)) {
            return null;
        }
        InspectCommand command = new InspectCommand();
        boolean json = false;
        for (int i = 1; i < args.length; i++) {
            String arg = args[i];
            if ((arg.equals(LONG) || arg.equals(LONG_SHORT)) && !command.longFormat) {
                command.longFormat = true;
            } else if (arg.equals(JsonOption.NAME) && !json) {
                json = true;
            } else if (command.initrd == null && !arg.isEmpty() && !arg.startsWith("-") && !arg.startsWith("@")) {
                try {
                    command.initrd = Path.of(arg);
                } catch (java.nio.file.InvalidPathException e) {
                    return null; // picocli says what is wrong with it
                }
            } else {
                return null;
            }
        }
        if (command.initrd == null) {
            return null;
        }
        command.json.set(json);
        return command;
    }

    @Override
    public boolean json() {
        return json.enabled();
    }

    Path initrd() {
        return initrd;
    }

    boolean longFormat() {
        return longFormat;
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

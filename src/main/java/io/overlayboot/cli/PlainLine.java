package io.overlayboot.cli;

/**
 * A command {@link Main#run} can take from a plain command line without picocli (its
 * {@code ofPlainLine}): it says itself whether {@code --json} was given, as picocli's
 * {@link JsonOption} would have.
 */
interface PlainLine extends Subcommand {
    boolean json();
}

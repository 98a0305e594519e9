package io.overlayboot.cli;

import java.io.IOException;

/**
 * One {@code overlayboot} subcommand: picocli fills its options, {@link Execution} calls
 * {@link #run} and renders what it returns.
 *
 * <p>How to write a new command:
 * <ol>
 * <li>A package-private final class {@code FooCommand implements Subcommand} in {@code cli/},
 *     annotated {@code @Command(name = "foo", mixinStandardHelpOptions = true, description = {ONE
 *     SENTENCE, details...})}, appended to {@link Main.Commands#ALL}.
 * <li>Options that several commands share come from mixins: {@link JsonOption} ({@code --json}),
 *     {@link TargetRootMixin} ({@code --root}: the tree installed into or checked),
 *     {@link RunningSystemMixin} ({@code --root}, {@code --mounts}: a running system),
 *     {@link TargetOptions} (install-like runs, {@code --json} included), {@link BootOptionsMixin} (the settings).
 * <li>{@code run} checks the arguments, makes one call into its domain package (which returns a
 *     value and throws {@link io.overlayboot.core.OverlaybootException} for a user error), and
 *     returns {@link Rendered#of Rendered.of(text, json)}: how that value reads as text and as JSON.
 *     With {@link Rendered#exit} it sets an exit code other than 0. It does not print the result,
 *     look at {@code --json}, or catch exceptions to print them: {@link Execution} and
 *     {@link Main} do that, the same way for every command.
 * <li>Progress and warnings while it runs go to {@link Output#err} ({@link Output#note},
 *     {@link Output#warn}; a domain call takes {@link Output#log()}), however long the run; a
 *     command whose result is a stream (a listing, a shell) prints it to {@link Output#out} itself
 *     and returns {@link Rendered#printed()}. A result partly made before an error (a boot chain
 *     that failed after the files were written) is rendered, then the error:
 *     {@link Rendered#thenFail}.
 * <li>Document the JSON in {@code docs/json.md} and add the command to {@code JsonSchemaTest}.
 * </ol>
 */
interface Subcommand {
    /** Runs the command with the options picocli set; returns its result, still to be rendered. */
    Rendered run(Output out) throws IOException;
}

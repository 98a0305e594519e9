package io.overlayboot.cli;

import picocli.CommandLine;
import picocli.CommandLine.ExecutionException;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * The one way a parsed command line runs: help and version requests as picocli answers them;
 * otherwise the named {@link Subcommand} is called with an {@link Output} that knows whether
 * {@code --json} was given, and the {@link Rendered} it returns is printed as text or JSON, its exit
 * code returned. A command still written as a picocli {@code Callable} runs as picocli runs it
 * (commands written before the skeleton run unchanged until they are ported). Exceptions go on to {@link Main}'s handler, which prints one line and maps them to
 * an exit code.
 */
final class Execution {
    private Execution() {}

    static int execute(ParseResult parseResult) {
        Integer help = CommandLine.executeHelpRequest(parseResult);
        if (help != null) {
            return help;
        }
        ParseResult last = parseResult;
        while (last.hasSubcommand()) {
            last = last.subcommand();
        }
        CommandLine line = last.commandSpec().commandLine();
        Object command = line.getCommand();
        if (!(command instanceof Subcommand subcommand)) {
            // Main alone (which says the command is missing), or a Callable not yet ported
            return new CommandLine.RunLast().execute(parseResult);
        }
        Output output = new Output(line.getOut(), line.getErr(), jsonAsked(last.commandSpec()));
        Rendered result;
        try {
            result = subcommand.run(output);
        } catch (ParameterException | ExecutionException e) {
            throw e;
        } catch (Exception e) {
            throw new ExecutionException(line, "Error while running " + last.commandSpec().qualifiedName(), e);
        }
        result.render(output.out(), output.json());
        output.out().flush();
        if (result.failure().isPresent()) {
            throw new ExecutionException(line, "Error after running " + last.commandSpec().qualifiedName(), result.failure().get());
        }
        return result.exitCode();
    }

    /**
     * Whether the command mixes in {@link JsonOption}, itself or through another mixin
     * ({@link TargetOptions}), and {@code --json} was given.
     */
    private static boolean jsonAsked(CommandSpec spec) {
        return spec.mixins().values().stream()
                .anyMatch(m -> m.userObject() instanceof JsonOption json ? json.enabled() : jsonAsked(m));
    }
}

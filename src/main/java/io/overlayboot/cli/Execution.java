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
        try {
            return run(subcommand, output);
        } catch (ParameterException | ExecutionException e) {
            throw e;
        } catch (Exception e) {
            throw new ExecutionException(line, "Error while running " + last.commandSpec().qualifiedName(), e);
        }
    }

    /**
     * Runs a command whose options are set, prints its result as text or JSON, and returns its exit
     * code; throws what it threw, or the failure its result carries, for {@link Main#handled}.
     * The one way a command runs, whether picocli parsed its command line or {@link Main}'s fast
     * path for {@code status}.
     */
    static int run(Subcommand subcommand, Output output) throws Exception {
        Rendered result = subcommand.run(output);
        result.render(output.out(), output.json());
        output.out().flush();
        if (result.failure().isPresent()) {
            throw result.failure().get();
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

package io.overlayboot.cli;

import io.overlayboot.core.OverlaybootException;
import io.overlayboot.core.ExitCode;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code overlayboot} command. {@link #main} only calls {@link #run} and exits, so tests call
 * {@code run} directly with their own writers.
 */
@Command(
        name = "overlayboot",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Boot Linux with a read-only root and every write in RAM (or on another device).",
        subcommands = {
            CommandLine.HelpCommand.class,
            RenderCommand.class,
            SettingsCommand.class,
            DemoCommand.class,
            PackCommand.class,
            InspectCommand.class,
            ExtractCommand.class,
            StatusCommand.class,
            DiffCommand.class,
            CommitCommand.class,
            CheckCommand.class,
            InstallCommand.class,
            UninstallCommand.class,
            ConfigureCommand.class,
            TryCommand.class,
        })
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing command: say which one, e.g. 'overlayboot render --out DIR'");
    }

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
        PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
        int code = run(out, err, args);
        out.flush();
        err.flush();
        System.exit(code);
    }

    /** Runs one command line; returns the exit code. Never calls {@code System.exit}. */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cmd = new CommandLine(new Main());
        BootOptionsMixin.register(cmd);
        cmd.setOut(out);
        cmd.setErr(err);
        cmd.setExitCodeExceptionMapper(Main::exitCodeOf);
        cmd.setParameterExceptionHandler((ex, a) -> {
            err.println("overlayboot: " + ex.getMessage());
            CommandLine.UnmatchedArgumentException.printSuggestions(ex, err);
            err.println("Run '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help' for usage.");
            return ExitCode.USAGE.code();
        });
        cmd.setExecutionExceptionHandler((ex, c, parseResult) -> {
            if (ex instanceof OverlaybootException oe) {
                err.println("overlayboot: " + oe.userLine());
                return oe.exitCode().code();
            }
            err.println("overlayboot: internal error: " + ex);
            ex.printStackTrace(err);
            return ExitCode.INTERNAL.code();
        });
        return cmd.execute(args);
    }

    private static int exitCodeOf(Throwable t) {
        return t instanceof OverlaybootException oe ? oe.exitCode().code() : ExitCode.INTERNAL.code();
    }
}

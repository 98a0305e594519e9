package io.overlayboot.cli;

import io.overlayboot.core.ExitCode;
import io.overlayboot.core.OverlaybootException;
import io.overlayboot.sys.ExecException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The {@code overlayboot} command. {@link #main} only calls {@link #run} and exits, so tests call
 * {@code run} directly with their own writers.
 *
 * <p>Start-up is most of a command's time, and picocli builds a command's model by reflection over
 * all its options. So the subcommands are not listed in {@code @Command}: {@link #commandLine} adds
 * only the one a command line names ({@link #needed}); help, {@code help COMMAND} and anything it
 * does not recognise get all of them, so the command list and picocli's suggestions stay complete.
 *
 * <p>The top command, {@code status}, {@code settings} and {@code inspect} are not annotated: their
 * models are built with picocli's programmatic API ({@link #spec}, {@link StatusCommand#spec},
 * {@link SettingsCommand#spec}, {@link InspectCommand#spec}), because reading annotations costs
 * every start a proxy class per annotation type that the AOT cache cannot keep ({@link Specs}).
 */
public final class Main implements Runnable {
    /**
     * Every subcommand, in the order {@code --help} lists them. In a holder, so that the command
     * lines answered before picocli ({@code --version}, a plain {@code status} or {@code settings})
     * do not load the two dozen classes these literals name.
     */
    static final class Commands {
        private Commands() {}

        static final List<Class<?>> ALL = List.of(
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
                MaintenanceCommand.class,
                UpgradeCommand.class,
                NextBootCommand.class,
                LockBootCommand.class,
                UnlockBootCommand.class,
                ScheduleCommand.class,
                EnableCommand.class,
                DisableCommand.class);
    }

    /**
     * The subcommands whose model is built without annotations ({@link Specs}), by name: their
     * class (in {@link Commands#ALL}) and how to build a new one.
     */
    private static final class Built { // a holder: --version, answered without picocli, does not load it
        static final Map<String, Map.Entry<Class<?>, Supplier<CommandSpec>>> BY_NAME =
                Map.of(StatusCommand.NAME, Map.entry(StatusCommand.class, StatusCommand::spec),
                        SettingsCommand.NAME, Map.entry(SettingsCommand.class, SettingsCommand::spec),
                        InspectCommand.NAME, Map.entry(InspectCommand.class, InspectCommand::spec));
    }

    static final String CONVERTER_EXCLUDES = "picocli.converters.excludes";

    /**
     * How the JDK starts programs; {@link #main} sets {@code FORK} (fork and exec) instead of its
     * default, {@code POSIX_SPAWN} through the spawn helper {@code lib/jspawnhelper} of the running
     * runtime. A command run inside a maintenance session can take that file away from under the
     * JVM: {@code overlayboot maintenance -- apt-get remove overlayboot} deletes the package's
     * runtime from the lower, which the running root shows through; an upgrade of overlayboot or of
     * the JDK ({@code overlayboot upgrade}) replaces it with another build's, which the JVM refuses
     * ("JDK version mismatch"). Every program started after that failed (posix_spawn: ENOENT), so
     * the session could not be undone: {@code /ro} stayed read-write (GrubBootIT found it;
     * MaintenanceTest). The JDK reads the property once, when {@code java.lang.ProcessImpl} is
     * initialized, which happens already while the command line is parsed ({@code -Xlog:class+init}),
     * before any command runs; so it is set first thing, for every command (a fork costs a command
     * nothing it would notice).
     */
    static final String LAUNCH_MECHANISM = "jdk.lang.Process.launchMechanism";

    static final String NAME = "overlayboot";
    static final String DESCRIPTION = "Boot Linux with a read-only root and every write in RAM (or on another device).";

    private CommandSpec spec;

    /** The top command's model: what {@code @Command(name, mixinStandardHelpOptions, versionProvider, description)} gave. */
    static CommandSpec spec() {
        Main main = new Main();
        CommandSpec spec = CommandSpec.wrapWithoutInspection(main).name(NAME).versionProvider(new VersionProvider());
        spec.usageMessage().description(DESCRIPTION);
        Specs.withStandardHelpOptions(spec);
        main.spec = spec;
        return spec;
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing command: say which one, e.g. 'overlayboot render --out DIR'");
    }

    public static void main(String[] args) {
        System.setProperty(LAUNCH_MECHANISM, "FORK");
        PrintWriter out = writer(System.out);
        PrintWriter err = writer(System.err);
        int code;
        try {
            code = run(out, err, args);
        } catch (Throwable t) { // see unexpected
            code = unexpected(t, err);
        }
        out.flush();
        err.flush();
        System.out.flush();
        System.err.flush();
        if (endsByHalt(args)) {
            Runtime.getRuntime().halt(code);
        }
        System.exit(code);
    }

    /**
     * What {@link #main} does with what {@link #run} did not handle: an {@link Error} (a class
     * missing from a damaged installation, out of memory, a stack overflow). Uncaught, the JVM
     * would print it and exit with 1, which is {@code status}'s "not protected" (and
     * {@code check}'s "the next boot does not protect"): a monitoring script would read a broken
     * installation as an unprotected machine. So it is a bug like any other: one line, the stack
     * trace, and {@link ExitCode#INTERNAL}, even when printing fails too.
     */
    static int unexpected(Throwable t, PrintWriter err) {
        try {
            err.println("overlayboot: internal error: " + t);
            t.printStackTrace(err);
            err.flush();
        } catch (Throwable ignored) { // out of memory: the exit code still says what happened
        }
        return ExitCode.INTERNAL.code();
    }

    /** How {@link #main} writes to stdout and stderr (also what AotTraining's runs write to). */
    static PrintWriter writer(java.io.OutputStream stream) {
        return new PrintWriter(stream, true, StandardCharsets.UTF_8);
    }

    /**
     * Whether this command line ends with {@link Runtime#halt} instead of {@link System#exit}:
     * {@code --version}, {@code status}, {@code settings}, and {@code inspect} when zstd-jni's
     * library comes from {@code -DZstdNativePath} (as {@code ./overlayboot} and the package run it).
     * Since JDK 21, {@code System.exit} asks {@code System.getLogger("java.lang.Runtime")} whether
     * to log the exit (JDK-8301627), and setting up the JDK's logging to answer costs about as much
     * CPU as the JVM's whole start (measured: a hello world that ends with {@code System.exit(1)}
     * takes ~40 ms more CPU than one that ends with {@code halt(1)}, AOT cache or not). {@code halt}
     * skips that and the shutdown hooks. These commands register none and start no process; the
     * one file they may write ({@code status}'s entry under {@code /run/overlayboot/initrds}) is
     * closed and renamed into place before they end, and a {@code write(2)} done is done whatever
     * ends the JVM; so there is nothing for a hook to do. The one hook a command of overlayboot may
     * leave is zstd-jni's delete-on-exit of the library it unpacks to a temp file when no
     * {@code ZstdNativePath} is given, hence that condition. Every other command ends with
     * {@code System.exit}.
     */
    static boolean endsByHalt(String... args) {
        if (args.length == 0) {
            return false;
        }
        return switch (args[0]) {
            case "--version", "-V", StatusCommand.NAME, SettingsCommand.NAME -> true;
            case InspectCommand.NAME -> System.getProperty("ZstdNativePath") != null;
            default -> false;
        };
    }

    /**
     * Runs one command line; returns the exit code. Never calls {@code System.exit}.
     *
     * <p>{@code --version} alone is answered before picocli is touched: building even the top
     * command's model (picocli's classes, reflection over the annotations) costs more CPU than the
     * JVM's own start, and one line needs none of it. It prints what picocli's
     * {@code --version} prints ({@code MainTest} compares the two).
     *
     * <p>So is {@code status} with nothing but {@code --json}, {@code --root DIR} and
     * {@code --mounts FILE}, the way scripts and the login message run it: picocli's start (its
     * classes initialised, the model built, the line parsed) was a third of that command's CPU
     * time. {@link StatusCommand#ofPlainLine} recognises that plain form from the options' one
     * definition and declines everything else (help, an error, any other spelling), which picocli
     * then parses as always; {@code ProgrammaticSpecsTest} checks that the two agree. The same for
     * {@code settings} with nothing but {@code --json} and {@code --markdown}
     * ({@link SettingsCommand#ofPlainLine}), and for {@code inspect} with an initrd, {@code --long}
     * and {@code --json} ({@link InspectCommand#ofPlainLine}): picocli's start (its built-in
     * converters matched against a regular expression, its model) was most of what a small
     * initrd's listing cost beyond the JVM's own start.
     */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        if (args.length == 1 && (args[0].equals("--version") || args[0].equals("-V"))) {
            out.println(VersionProvider.line());
            out.flush();
            return ExitCode.OK.code();
        }
        // by name first, so a settings line does not load StatusCommand, nor a status line SettingsCommand
        PlainLine plain = args.length == 0 ? null : switch (args[0]) {
            case StatusCommand.NAME -> StatusCommand.ofPlainLine(args);
            case SettingsCommand.NAME -> SettingsCommand.ofPlainLine(args);
            case InspectCommand.NAME -> InspectCommand.ofPlainLine(args);
            default -> null;
        };
        return plain != null ? runPlain(plain, out, err) : runWithPicocli(out, err, args);
    }

    /** Runs a command a fast path of {@link #run} has set up, as picocli's path would run it. */
    private static int runPlain(PlainLine command, PrintWriter out, PrintWriter err) {
        try {
            return Execution.run(command, new Output(out, err, command.json()));
        } catch (Exception e) {
            return handled(e, err);
        } finally {
            out.flush();
            err.flush();
        }
    }

    /** {@link #run} without its fast paths: every command line through picocli. */
    static int runWithPicocli(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cmd = commandLine(needed(args));
        cmd.setOut(out);
        cmd.setErr(err);
        cmd.setExitCodeExceptionMapper(Main::exitCodeOf);
        cmd.setParameterExceptionHandler((ex, a) -> {
            err.println("overlayboot: " + ex.getMessage());
            CommandLine.UnmatchedArgumentException.printSuggestions(ex, err);
            err.println("Run '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help' for usage.");
            return ExitCode.USAGE.code();
        });
        cmd.setExecutionStrategy(parseResult -> {
            // picocli skips its checks when help is asked for, so 'overlayboot frobnicate --help'
            // would print the top-level help; a word where a command belongs is wrong either way.
            if (!parseResult.unmatched().isEmpty()) {
                throw new CommandLine.UnmatchedArgumentException(cmd, parseResult.unmatched());
            }
            return Execution.execute(parseResult);
        });
        cmd.setExecutionExceptionHandler((ex, c, parseResult) -> handled(ex, err));
        return cmd.execute(args);
    }

    /** Prints what went wrong in one line (a stack trace only for a bug) and returns its exit code. */
    static int handled(Exception ex, PrintWriter err) {
        if (ex instanceof OverlaybootException oe) {
            err.println("overlayboot: " + oe.userLine());
            return oe.exitCode().code();
        }
        if (ex instanceof ExecException ee) {
            OverlaybootException oe = ofExec(ee);
            err.println("overlayboot: " + oe.userLine());
            return oe.exitCode().code();
        }
        err.println("overlayboot: internal error: " + ex);
        ex.printStackTrace(err);
        return ExitCode.INTERNAL.code();
    }

    /** A program that could not start or failed, where no caller said more: its exit code and hint. */
    static OverlaybootException ofExec(ExecException e) {
        return switch (e.reason()) {
            case CANNOT_START -> new OverlaybootException(ExitCode.ENVIRONMENT, e.getMessage(),
                    "install the program, or check that it is on the PATH", e);
            case INTERRUPTED -> new OverlaybootException(ExitCode.ABORTED, e.getMessage(), null, e);
            case TIMED_OUT, FAILED -> new OverlaybootException(ExitCode.EXTERNAL_FAILURE, e.getMessage(), null, e);
        };
    }

    /** The {@code overlayboot} command line with these subcommands (and their boot options). */
    static CommandLine commandLine(List<Class<?>> subcommands) {
        // picocli looks up converters for java.sql and java.time types by reflection on every start
        // (a hundred classes); no option here has such a type (MainTest checks).
        if (System.getProperty(CONVERTER_EXCLUDES) == null) {
            System.setProperty(CONVERTER_EXCLUDES, "java\\.sql\\..*,java\\.time\\..*");
        }
        CommandLine cmd = new CommandLine(spec());
        for (Class<?> subcommand : subcommands) {
            Map.Entry<Class<?>, Supplier<CommandSpec>> built = Built.BY_NAME.get(nameOf(subcommand));
            if (built != null && built.getKey() == subcommand) {
                cmd.addSubcommand(new CommandLine(built.getValue().get()));
            } else {
                cmd.addSubcommand(subcommand);
            }
        }
        BootOptionsMixin.register(cmd);
        return cmd;
    }

    /**
     * The subcommands {@code args} need: none for {@code --version} or an empty command line, the
     * named one for a known command, every one for help or anything else. Main has no option that
     * takes a value, so the first argument not starting with '-' is where the command name is.
     */
    static List<Class<?>> needed(String... args) {
        for (String arg : args) {
            if (arg.equals("-V") || arg.equals("--version")) {
                continue;
            }
            if (arg.startsWith("-")) {
                return Commands.ALL;
            }
            if (Built.BY_NAME.containsKey(arg)) { // without reading any annotation
                return List.of(Built.BY_NAME.get(arg).getKey());
            }
            return Commands.ALL.stream()
                    .filter(c -> c != CommandLine.HelpCommand.class && nameOf(c).equals(arg))
                    .findFirst()
                    .<List<Class<?>>>map(List::of)
                    .orElse(Commands.ALL);
        }
        return List.of();
    }

    /** A subcommand's name, read from its {@code @Command} without building its model. */
    static String nameOf(Class<?> command) {
        for (Map.Entry<String, Map.Entry<Class<?>, Supplier<CommandSpec>>> built : Built.BY_NAME.entrySet()) {
            if (built.getValue().getKey() == command) {
                return built.getKey();
            }
        }
        return command.getAnnotation(Command.class).name();
    }

    private static int exitCodeOf(Throwable t) {
        if (t instanceof ExecException e) {
            return ofExec(e).exitCode().code();
        }
        return t instanceof OverlaybootException oe ? oe.exitCode().code() : ExitCode.INTERNAL.code();
    }
}

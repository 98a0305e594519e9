package io.overlayboot.helper;

import io.overlayboot.settings.BootParameters;
import io.overlayboot.settings.Resolution;
import io.overlayboot.settings.Settings;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The boot helper's entry point, run by the init-bottom script inside the initramfs (JDK only: it
 * runs on a {@code java.base}-only runtime or as a native image).
 *
 * <pre>
 *   overlayboot-helper boot                     protect the root at $rootmnt
 *   overlayboot-helper plan [--cmdline FILE] [--config FILE] [--rootmnt DIR]
 * </pre>
 *
 * Exit codes of {@code boot}: 0 the boot is handled (protected, or the failure policy applied and
 * the root left as found), 75 nothing done (the shell path goes on), 76 the union failed with
 * {@code onerror=panic} and the root is left as found (the script panics), anything else: the
 * helper failed after undoing its steps (the shell path goes on with a warning).
 */
public final class HelperMain {
    /** The boot is handled. */
    public static final int HANDLED = 0;
    /** Bad arguments. */
    public static final int USAGE = 2;
    /** The helper failed unexpectedly, after undoing its steps. */
    public static final int FAILED = 70;
    /** Nothing was done; the shell path goes on. */
    public static final int NOTHING_DONE = 75;
    /** The union is impossible and onerror=panic: the script calls initramfs-tools' panic. */
    public static final int PANIC = 76;

    private static final String USAGE_TEXT = """
            usage: overlayboot-helper boot [--cmdline FILE] [--config FILE] [--rootmnt DIR]
                   overlayboot-helper plan [--cmdline FILE] [--config FILE] [--rootmnt DIR]
            """;

    private HelperMain() {}

    public static void main(String[] args) {
        System.exit(run(System.out, System.err, System.getenv(), args));
    }

    /** Runs one verb and returns its exit code (tests call this directly). */
    public static int run(PrintStream out, PrintStream err, Map<String, String> env, String... args) {
        if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h")) {
            (args.length == 0 ? err : out).print(USAGE_TEXT);
            return args.length == 0 ? USAGE : HANDLED;
        }
        Map<String, String> options = new HashMap<>();
        options.put("--cmdline", env.getOrDefault("OVERLAYBOOT_CMDLINE", "/proc/cmdline"));
        options.put("--config", env.getOrDefault("OVERLAYBOOT_CONF", BootParameters.CONFIG_PATH));
        options.put("--rootmnt", env.getOrDefault("rootmnt", "/root"));
        for (int i = 1; i < args.length; i += 2) {
            if (!options.containsKey(args[i]) || i + 1 >= args.length) {
                err.println(Console.PREFIX + "unknown option or missing value: '" + args[i] + "'");
                err.print(USAGE_TEXT);
                return USAGE;
            }
            options.put(args[i], args[i + 1]);
        }
        BootPlan plan;
        try {
            // the script reads the first line of the command line file, and both files only when present
            String cmdline = read(options.get("--cmdline")).lines().findFirst().orElse("");
            Resolution resolution = BootParameters.resolve(cmdline, read(options.get("--config")));
            plan = new BootPlan(resolution, options.get("--rootmnt"));
        } catch (IOException e) {
            err.println(Console.PREFIX + "cannot read the boot settings: " + e.getMessage());
            return args[0].equals("boot") ? NOTHING_DONE : FAILED;
        }
        return switch (args[0]) {
            case "plan" -> {
                plan.lines().forEach(out::println);
                out.flush();
                yield HANDLED;
            }
            case "boot" -> boot(plan, out, env);
            default -> {
                err.println(Console.PREFIX + "unknown verb '" + args[0] + "' (expected boot or plan)");
                err.print(USAGE_TEXT);
                yield USAGE;
            }
        };
    }

    /**
     * The boot script has already printed the warnings of the resolution and handled the
     * inactive cases; the helper only protects, or says it did nothing.
     */
    private static int boot(BootPlan plan, PrintStream out, Map<String, String> env) {
        BootPaths paths = BootPaths.from(env);
        Console console = new Console(out, paths.kmsg(), plan.flag(Settings.DEBUG));
        if (!plan.active() || plan.get(Settings.HELPER).equals("shell")) {
            return NOTHING_DONE;
        }
        try {
            return switch (new Boot(plan, console, paths).run()) {
                case PROTECTED, NOTHING_TO_DO, BOOTED_UNPROTECTED -> HANDLED;
                case PANIC -> PANIC;
            };
        } catch (RuntimeException | Error e) {
            console.error("the helper failed (" + e + ") and undid its steps");
            return FAILED;
        }
    }

    private static String read(String file) throws IOException {
        try {
            // leniently: a byte that is not UTF-8 on the command line is a bad value to warn about, not a crash
            return new String(Files.readAllBytes(Path.of(file)), StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return "";
        }
    }
}

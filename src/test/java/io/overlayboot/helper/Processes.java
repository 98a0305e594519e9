package io.overlayboot.helper;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the external commands the helper's tests need (unshare, losetup, mke2fs, child JVMs). */
final class Processes {
    private Processes() {}

    /** The result of a command: exit code and both outputs. */
    record Result(int exit, String out, String err) {}

    /** Runs a command and returns its stdout; fails the test when it exits non-zero. */
    static String run(String... command) throws Exception {
        return run(List.of(command));
    }

    static String run(List<String> command) throws Exception {
        Result r = exec(command, null);
        if (r.exit() != 0) {
            throw new AssertionError(String.join(" ", command) + " exited " + r.exit() + "\nstdout:\n" + r.out()
                    + "\nstderr:\n" + r.err());
        }
        return r.out();
    }

    static Result exec(List<String> command, java.util.Map<String, String> env) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command);
        if (env != null) {
            builder.environment().putAll(env);
        }
        Path err = File.createTempFile("ob-helper-test", ".err").toPath();
        builder.redirectError(err.toFile());
        Process process = builder.start();
        process.getOutputStream().close();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not finish in 120 s");
        }
        String errText = java.nio.file.Files.readString(err);
        java.nio.file.Files.delete(err);
        return new Result(process.exitValue(), out, errText);
    }

    /** {@code command} run in new mount and pid namespaces, so nothing it does reaches the host. */
    static List<String> inNamespace(List<String> command) {
        List<String> full = new ArrayList<>(List.of("unshare", "-m", "-p", "-f", "--mount-proc"));
        full.addAll(command);
        return full;
    }

    /** A command line starting this JDK's java on the test classpath with {@code mainClass}. */
    static List<String> javaCommand(String mainClass, String... args) {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", classpath(), mainClass));
        command.addAll(List.of(args));
        return command;
    }

    /** target/classes and target/test-classes: what the helper and its scenarios need. */
    static String classpath() {
        return classesOf(HelperMain.class) + File.pathSeparator + classesOf(Processes.class);
    }

    private static String classesOf(Class<?> type) {
        try {
            return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}

package io.overlayboot.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import io.overlayboot.cli.Cli;
import io.overlayboot.core.ExitCode;
import io.overlayboot.core.Json;
import io.overlayboot.sys.Exec;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The two launchers, run as they are: {@code ./overlayboot} (copied into a checkout of its own) and
 * the package's {@code /usr/bin/overlayboot} ({@code packaging/launcher.sh} filled in as
 * {@code build-deb.sh} fills it in, its {@code /usr/lib/overlayboot} pointed at a directory laid out
 * as the package lays it out). The jar is this build's classes with the dependencies on its
 * {@code Class-Path}, so no Maven build and no {@code .deb} are needed; {@code PackagingIT} runs the
 * installed package's launcher on Debian 12 and 13.
 *
 * <p>What it checks: the JVM's environment variables ({@code JAVA_TOOL_OPTIONS},
 * {@code JDK_JAVA_OPTIONS}, {@code _JAVA_OPTIONS}), set for the user's own Java programs, do not
 * reach overlayboot's JVM: a GC flag in them made the JVM refuse to start (exit 1, status's "not
 * protected"), and {@code -verbose:class} would write to stdout. {@code OVERLAYBOOT_JAVA_OPTIONS}
 * does reach it, and a GC named there replaces the serial GC.
 */
class LaunchersTest {
    @TempDir
    static Path shared;

    static Path jar;
    static Path checkout;
    static Path packageLauncher;
    static Path root;
    static Path mounts;

    /** The environment variables the java launcher and the JVM read, each set to a GC the launchers do not use. */
    private static final List<Map<String, String>> USER_JVM_ENVIRONMENTS = List.of(
            Map.of("JAVA_TOOL_OPTIONS", "-XX:+UseG1GC"),
            Map.of("JDK_JAVA_OPTIONS", "-XX:+UseG1GC"),
            Map.of("_JAVA_OPTIONS", "-XX:+UseG1GC"),
            Map.of("JAVA_TOOL_OPTIONS", "-verbose:class -XX:+UseParallelGC", "JDK_JAVA_OPTIONS", "-XX:+UseZGC",
                    "_JAVA_OPTIONS", "-XX:+UseG1GC -Xlog:all=info:stdout"));

    @BeforeAll
    static void layOut() throws IOException {
        jar = jar(shared.resolve("overlayboot.jar"));
        checkout = checkout("checkout");
        // the package's /usr/lib/overlayboot: the runtime, the jar, the caches (none here: the JVM
        // runs without a missing one, silently) and zstd-jni's library
        Path lib = Files.createDirectories(shared.resolve("usr/lib/overlayboot"));
        Files.createSymbolicLink(lib.resolve("runtime"), Path.of(System.getProperty("java.home")));
        Files.copy(jar, lib.resolve("overlayboot.jar"));
        Files.createDirectories(lib.resolve("aot"));
        Files.createDirectories(lib.resolve("native"));
        String script = Files.readString(Path.of("packaging/launcher.sh"))
                .replace("@JAVA_OPTS@", buildDebJavaOpts())
                .replace("@ZSTD_LIB@", "libzstd-jni-test.so")
                .replace("/usr/lib/overlayboot/", lib + "/");
        assertThat(script).doesNotContainPattern("@[A-Z_]+@");
        packageLauncher = shared.resolve("usr/bin/overlayboot");
        Files.createDirectories(packageLauncher.getParent());
        Files.writeString(packageLauncher, script);
        Files.setPosixFilePermissions(packageLauncher, PosixFilePermissions.fromString("rwxr-xr-x"));
        // a machine that is not protected, for status
        root = Files.createDirectories(shared.resolve("machine"));
        mounts = Files.writeString(shared.resolve("mounts"), "/dev/vda1 / ext4 rw,relatime 0 0\n");
    }

    /** {@code ./overlayboot} in a checkout of its own: target/overlayboot.jar and nothing to build it from. */
    private static Path checkout(String name) throws IOException {
        Path dir = Files.createDirectories(shared.resolve(name));
        Files.copy(Path.of("overlayboot"), dir.resolve("overlayboot"));
        Files.createDirectories(dir.resolve("target"));
        Files.copy(jar, dir.resolve("target/overlayboot.jar"));
        return dir.resolve("overlayboot");
    }

    /** The JVM flags build-deb.sh trains the caches with and fills into the launcher. */
    private static String buildDebJavaOpts() throws IOException {
        Matcher m = Pattern.compile("(?m)^java_opts=\"([^\"]+)\"$").matcher(Files.readString(Path.of("packaging/build-deb.sh")));
        assertThat(m.find()).isTrue();
        return m.group(1);
    }

    /** This build's classes as one jar, run by {@code -jar}, its dependencies named by its manifest. */
    private static Path jar(Path out) throws IOException {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, "io.overlayboot.cli.Main");
        List<String> dependencies = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (entry.endsWith(".jar")) {
                dependencies.add(Path.of(entry).toUri().toString());
            }
        }
        manifest.getMainAttributes().put(Attributes.Name.CLASS_PATH, String.join(" ", dependencies));
        Path classes = Path.of("target/classes");
        try (OutputStream file = Files.newOutputStream(out); JarOutputStream jar = new JarOutputStream(file, manifest);
                Stream<Path> walk = Files.walk(classes)) {
            for (Path p : walk.filter(Files::isRegularFile).sorted().toList()) {
                String name = classes.relativize(p).toString();
                if (name.equals("META-INF/MANIFEST.MF")) {
                    continue;
                }
                jar.putNextEntry(new JarEntry(name));
                Files.copy(p, jar);
                jar.closeEntry();
            }
            // zstd-jni's native library, where the shaded jar has it (./overlayboot unpacks it from there)
            for (String dependency : dependencies) {
                if (!dependency.contains("zstd-jni")) {
                    continue;
                }
                try (java.util.jar.JarFile zstd = new java.util.jar.JarFile(Path.of(java.net.URI.create(dependency)).toFile())) {
                    for (JarEntry e : java.util.Collections.list(zstd.entries())) {
                        if (e.getName().startsWith("linux/amd64/") && !e.isDirectory()) {
                            jar.putNextEntry(new JarEntry(e.getName()));
                            zstd.getInputStream(e).transferTo(jar);
                            jar.closeEntry();
                        }
                    }
                }
            }
        }
        return out;
    }

    private static Exec.Result run(Path launcher, Map<String, String> env, String... args) {
        List<String> argv = new ArrayList<>(List.of(launcher.toString()));
        argv.addAll(List.of(args));
        Map<String, String> all = new HashMap<>(env);
        all.put("JAVA_HOME", System.getProperty("java.home"));
        return Exec.run(argv, all, shared, null, Duration.ofMinutes(2));
    }

    /** What the launcher said on stderr, but for ./overlayboot's note that it makes a cache (its first run after a build). */
    private static String stderr(Exec.Result r) {
        return r.stderr().lines().filter(l -> !l.startsWith("overlayboot: making the AOT cache "))
                .map(l -> l + "\n").reduce("", String::concat);
    }

    private static void versionAndStatusWorkWith(Path launcher, Map<String, String> env) {
        String version = Cli.run("--version").out();
        Exec.Result v = run(launcher, env, "--version");
        assertThat(List.of(v.exitCode(), v.stdout(), stderr(v))).as(env.toString()).isEqualTo(List.of(0, version, ""));
        Exec.Result s = run(launcher, env, "status", "--json", "--root", root.toString(), "--mounts", mounts.toString());
        assertThat(s.exitCode()).as(env + s.stderr()).isEqualTo(ExitCode.NOT_PROTECTED.code());
        assertThat(stderr(s)).as(env.toString()).isEmpty();
        assertThat(s.stdout()).as(env.toString()).endsWith("}\n").doesNotContain("[class,load]", "[info]");
        assertThat(Json.parse(s.stdout())).as(env.toString()).isInstanceOf(Map.class);
        assertThat(((Map<?, ?>) Json.parse(s.stdout())).get("protected")).isEqualTo(false);
    }

    @Test
    void thePackageLauncherIgnoresTheUsersJvmEnvironment() {
        for (Map<String, String> env : USER_JVM_ENVIRONMENTS) {
            versionAndStatusWorkWith(packageLauncher, env);
        }
    }

    /**
     * {@code ./overlayboot} too, and the AOT caches its first runs make with such a variable set are
     * made (a failed training is not retried until the next build, so a variable set once would
     * have left the checkout without caches).
     */
    @Test
    void theCheckoutLauncherIgnoresTheUsersJvmEnvironmentAndStillMakesItsCaches() throws IOException {
        Path fresh = checkout("fresh-checkout"); // no cache yet: the first run with the variable set makes it
        for (Map<String, String> env : USER_JVM_ENVIRONMENTS) {
            versionAndStatusWorkWith(fresh, env);
        }
        Path aot = fresh.resolveSibling("target/aot");
        assertThat(aot.resolve("version.aot")).isNotEmptyFile();
        assertThat(aot.resolve("status.aot")).isNotEmptyFile();
        assertThat(aot.resolve("version.aot.failed")).doesNotExist();
        assertThat(aot.resolve("status.aot.failed")).doesNotExist();
    }

    /**
     * OVERLAYBOOT_JAVA_OPTIONS reaches the JVM, after the launcher's flags, split on blanks and not
     * globbed; a GC named there replaces the serial GC instead of stopping the JVM.
     */
    @Test
    void overlaybootJavaOptionsReachTheJvmAndMayNameAnotherGc() throws IOException {
        Files.writeString(shared.resolve("-Dglob=matched"), ""); // what -Dglob=* would match in the working directory
        for (Path launcher : List.of(packageLauncher, checkout)) {
            Exec.Result g1 = run(launcher, Map.of("OVERLAYBOOT_JAVA_OPTIONS",
                    " -XX:+UseG1GC  -Xlog:gc=info:stderr\t-Dglob=* -XshowSettings:properties "), "--version");
            assertThat(g1.exitCode()).as(g1.stderr()).isZero();
            assertThat(g1.stdout()).isEqualTo(Cli.run("--version").out());
            assertThat(g1.stderr()).as(launcher.toString()).contains("Using G1", "glob = *").doesNotContain("Using Serial");
            Exec.Result serial = run(launcher, Map.of("OVERLAYBOOT_JAVA_OPTIONS", "-Xlog:gc=info:stderr"), "--version");
            assertThat(serial.stderr()).as(launcher.toString()).contains("Using Serial");
            Exec.Result same = run(launcher, Map.of("OVERLAYBOOT_JAVA_OPTIONS", "-XX:+UseSerialGC -Xlog:gc=info:stderr"), "--version");
            assertThat(same.stderr()).as(launcher.toString()).contains("Using Serial");
        }
    }

    /**
     * A JVM that cannot start (here: a flag it does not know, given on purpose) exits with 1, as
     * status does for "not protected": the java launcher's code, which the launchers cannot tell
     * apart from the program's without giving up {@code exec} (README, "JVM options"). What tells
     * them apart is stdout: status always prints its verdict there, a JVM that did not start prints
     * nothing.
     */
    @Test
    void aJvmThatCannotStartPrintsNothingOnStdout() {
        for (Path launcher : List.of(packageLauncher, checkout)) {
            Exec.Result r = run(launcher, Map.of("OVERLAYBOOT_JAVA_OPTIONS", "-XX:+NoSuchFlag"), "status", "--json",
                    "--root", root.toString(), "--mounts", mounts.toString());
            assertThat(r.exitCode()).isEqualTo(1);
            assertThat(r.stdout()).isEmpty();
            assertThat(r.stderr()).contains("NoSuchFlag");
        }
    }
}

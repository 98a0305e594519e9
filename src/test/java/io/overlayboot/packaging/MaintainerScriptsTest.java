package io.overlayboot.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import io.overlayboot.cli.Cli;
import io.overlayboot.install.DebianTreeAccess;
import io.overlayboot.sys.Exec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The package's real maintainer scripts ({@code packaging/debian/}), executed as dpkg executes them
 * (by their {@code #!/bin/sh} line, with dpkg's arguments) chrooted into a Debian-shaped tree that
 * was set up by overlayboot itself ({@code install} from the jar, or the package's {@code enable}),
 * with a static busybox as {@code /bin/sh} and its tools. No {@code .deb} is needed: these are the
 * bytes {@code build-deb.sh} puts into it.
 */
class MaintainerScriptsTest {
    private static final Path SCRIPTS = Path.of("packaging/debian");

    @TempDir
    Path tmp;

    @Test
    void preinstRefusesAMachineSetUpWithInstallFromTheJarAndNamesTheWayOut() throws Exception {
        Path root = DebianTreeAccess.create(tmp.resolve("jar"), true);
        Cli.Run install = Cli.run("install", "--root", root.toString(), "--yes");
        assertThat(install.code()).as(install.err()).isZero();
        prepared(root);
        List<String> before = DebianTreeAccess.describe(root);

        for (String action : List.of("install", "upgrade")) {
            Exec.Result r = maintainerScript(root, "preinst", action);
            assertThat(r.exitCode()).as(action).isEqualTo(1);
            assertThat(r.stdout()).isEmpty();
            assertThat(r.stderr()).as(action).isEqualTo("overlayboot: this machine was set up with 'overlayboot install'"
                    + " (/var/lib/overlayboot/manifest.json); run 'overlayboot uninstall' first, then install the package and run"
                    + " 'overlayboot enable'\n");
        }
        // dpkg calls preinst abort-upgrade to roll back a failed upgrade: that must never fail
        assertThat(maintainerScript(root, "preinst", "abort-upgrade").exitCode()).isZero();
        assertThat(DebianTreeAccess.describe(root)).isEqualTo(before);
    }

    @Test
    void preinstAcceptsAPlainMachineAndOneEnabledByThePackage() throws Exception {
        Path plain = prepared(DebianTreeAccess.create(tmp.resolve("plain"), true));
        Exec.Result fresh = maintainerScript(plain, "preinst", "install");
        assertThat(fresh.exitCode()).as(fresh.stderr()).isZero();
        assertThat(fresh.stderr()).isEmpty();

        Path packaged = DebianTreeAccess.createPackaged(tmp.resolve("packaged"), true);
        Cli.Run enable = Cli.run("enable", "--root", packaged.toString(), "--yes");
        assertThat(enable.code()).as(enable.err()).isZero();
        prepared(packaged);
        Exec.Result upgrade = maintainerScript(packaged, "preinst", "upgrade");
        assertThat(upgrade.exitCode()).as(upgrade.stderr()).isZero();
        assertThat(upgrade.stderr()).isEmpty();
    }

    /**
     * Makes {@code root} a tree dpkg could run maintainer scripts in: a static busybox as {@code /bin/sh}
     * and its tools, and the package's scripts where dpkg keeps them ({@code /var/lib/dpkg/info/overlayboot.NAME}).
     */
    private static Path prepared(Path root) throws Exception {
        Path bin = Files.createDirectories(root.resolve("bin"));
        Files.copy(Path.of("/usr/bin/busybox"), bin.resolve("busybox"));
        for (String tool : List.of("sh", "grep", "rm", "cat")) {
            Files.createSymbolicLink(bin.resolve(tool), Path.of("busybox"));
        }
        Path info = Files.createDirectories(root.resolve("var/lib/dpkg/info"));
        for (String name : List.of("preinst", "prerm", "postrm")) {
            Path script = Files.copy(SCRIPTS.resolve(name), info.resolve("overlayboot." + name));
            Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        return root;
    }

    /** Runs the package's maintainer script {@code NAME ARGS} chrooted into a {@link #prepared} root, through its {@code #!} line. */
    private static Exec.Result maintainerScript(Path root, String name, String... args) {
        List<String> argv = new java.util.ArrayList<>(List.of("env", "-i", "PATH=/usr/sbin:/usr/bin:/sbin:/bin", "chroot",
                root.toString(), "/var/lib/dpkg/info/overlayboot." + name));
        argv.addAll(List.of(args));
        return Exec.run(argv, Duration.ofSeconds(30));
    }
}

package io.overlayboot.install;

import static io.overlayboot.install.InstallerProperties.context;
import static io.overlayboot.install.InstallerProperties.describe;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.overlayboot.render.RenderRequest;
import io.overlayboot.render.Sysctl;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * An install stopped at each of its writes in turn, as by {@code kill -9} or a full disk (the
 * checkpoint throws where the next write would start): uninstall, or install again and then
 * uninstall, gives back the tree byte for byte, with no backup or temporary file left behind.
 *
 * <pre>
 * /target/etc/default/grub              (edited: GRUB without drop-ins)
 * /target/etc/overlayboot.conf          (replaced: backed up first)
 * /target/etc/initramfs-tools/...       (hooks/ exists, scripts/ does not)
 * no /target/var                        (install creates var/lib/overlayboot)
 * </pre>
 */
class InstallerCrashTest {
    /** Stands for the process dying: nothing after it runs, no catch block sees it. */
    static final class Crash extends Error {
        private static final long serialVersionUID = 1L;
    }

    private static final RenderRequest REQUEST = RenderRequest.of(Map.of("size", "25%"),
            List.of(Sysctl.parse("vm.swappiness=10")), true);

    private static Path tree(FileSystem fs) throws Exception {
        Path root = InstallerProperties.tree(fs, "GRUB_CMDLINE_LINUX_DEFAULT=\"quiet\"\n");
        InstallerProperties.write(root, "etc/overlayboot.conf", "size=10%\n", 0600);
        return root;
    }

    private static List<String> steps() throws Exception {
        try (FileSystem fs = InstallerProperties.fs()) {
            List<String> steps = new ArrayList<>();
            new Apply(context(tree(fs)), steps::add).run(Planner.install(REQUEST));
            return steps;
        }
    }

    private static void crashAt(Path root, int step) {
        int[] seen = {0};
        assertThatThrownBy(() -> new Apply(context(root), s -> {
            if (seen[0]++ == step) {
                throw new Crash();
            }
        }).run(Planner.install(REQUEST))).isInstanceOf(Crash.class);
    }

    @Test
    void uninstallAfterAStopAtAnyStepGivesBackTheTree() throws Exception {
        List<String> steps = steps();
        assertThat(steps).hasSizeGreaterThan(8).first().asString().startsWith("create var/");
        for (int k = 0; k < steps.size(); k++) {
            try (FileSystem fs = InstallerProperties.fs()) {
                Path root = tree(fs);
                List<String> before = describe(root);
                crashAt(root, k);
                new Apply(context(root)).run(Planner.uninstall());
                assertThat(describe(root)).as("stopped before step %d: %s", k, steps.get(k)).isEqualTo(before);
            }
        }
    }

    @Test
    void installAgainAfterAStopAtAnyStepThenUninstallGivesBackTheTree() throws Exception {
        List<String> steps = steps();
        for (int k = 0; k < steps.size(); k++) {
            try (FileSystem fs = InstallerProperties.fs()) {
                Path root = tree(fs);
                List<String> before = describe(root);
                crashAt(root, k);
                new Apply(context(root)).run(Planner.install(REQUEST));
                assertThat(Files.readString(root.resolve("etc/overlayboot.conf"))).contains("size=25%");
                new Apply(context(root)).run(Planner.uninstall());
                assertThat(describe(root)).as("stopped before step %d: %s", k, steps.get(k)).isEqualTo(before);
            }
        }
    }

    @Test
    void whatAStopLeftBeforeTheFirstManifestIsCleanedUpByTheNextRun() throws Exception {
        try (FileSystem fs = InstallerProperties.fs()) {
            Path root = tree(fs);
            List<String> before = describe(root);
            // The manifest's directory was being built under its temporary name when the run stopped.
            InstallerProperties.write(root, ".var.overlayboot-tmp/lib/overlayboot/manifest.json", "{", 0644);
            new Apply(context(root)).run(Planner.uninstall());
            assertThat(describe(root)).isEqualTo(before);

            InstallerProperties.write(root, ".var.overlayboot-tmp/lib/.overlayboot.overlayboot-tmp/x", "", 0644);
            new Apply(context(root)).run(Planner.install(REQUEST));
            assertThat(root.resolve(".var.overlayboot-tmp")).doesNotExist();
            new Apply(context(root)).run(Planner.uninstall());
            assertThat(describe(root)).isEqualTo(before);
        }
    }

    @Test
    void temporaryFilesOfAnInterruptedWriteAreRemovedByUninstall() throws Exception {
        try (FileSystem fs = InstallerProperties.fs()) {
            Path root = tree(fs);
            List<String> before = describe(root);
            new Apply(context(root)).run(Planner.install(REQUEST));
            InstallerProperties.write(root, "etc/.overlayboot.conf.12345.overlayboot-tmp", "half", 0600);
            InstallerProperties.write(root, "var/lib/overlayboot/.manifest.json.6789.overlayboot-tmp", "{", 0644);
            new Apply(context(root)).run(Planner.uninstall());
            assertThat(describe(root)).isEqualTo(before);
        }
    }

    @Test
    void uninstallStoppedAtAnyStepThenRunAgainGivesBackTheTree() throws Exception {
        List<String> steps = new ArrayList<>();
        try (FileSystem fs = InstallerProperties.fs()) {
            Path root = tree(fs);
            new Apply(context(root)).run(Planner.install(REQUEST));
            new Apply(context(root), steps::add).run(Planner.uninstall());
        }
        assertThat(steps).hasSizeGreaterThan(8);
        for (int k = 0; k < steps.size(); k++) {
            try (FileSystem fs = InstallerProperties.fs()) {
                Path root = tree(fs);
                List<String> before = describe(root);
                new Apply(context(root)).run(Planner.install(REQUEST));
                int[] seen = {0};
                int step = k;
                assertThatThrownBy(() -> new Apply(context(root), s -> {
                    if (seen[0]++ == step) {
                        throw new Crash();
                    }
                }).run(Planner.uninstall())).isInstanceOf(Crash.class);
                new Apply(context(root)).run(Planner.uninstall());
                assertThat(describe(root)).as("stopped before step %d: %s", k, steps.get(k)).isEqualTo(before);
            }
        }
    }
}

package io.overlayboot.install;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.overlayboot.core.ExitCode;
import io.overlayboot.core.OverlaybootException;
import io.overlayboot.render.RenderRequest;
import io.overlayboot.render.Sysctl;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The dry run and the real run are one {@link Plan}: what {@code --dry-run} answers is
 * {@link Plan#preview()}, and applying the same plan changes exactly the files it lists, to the
 * bytes its diff shows, and reports the same changes and commands. What a run says while it runs
 * goes to its {@link Log}; what it did is the {@link Result} it returns.
 *
 * <pre>
 * /target/etc/default/grub              (GRUB without drop-ins: edited)
 * /target/etc/overlayboot.conf          (replaced)
 * /target/etc/initramfs-tools/hooks/    (the hook is created)
 * </pre>
 */
class ApplyTest {
    private static final RenderRequest REQUEST = RenderRequest.of(Map.of("size", "25%"),
            List.of(Sysctl.parse("vm.swappiness=10")), true);

    private record Run(Apply apply, List<String> said) {}

    private static Run run(Path root, boolean dryRun, List<String> steps) {
        List<String> said = new ArrayList<>();
        Log log = new Log() {
            @Override
            public void note(String text) {
                said.add(text);
            }

            @Override
            public void warn(String text) {
                said.add("warning: " + text);
            }

            @Override
            public void output(String line) {
                said.add(line);
            }
        };
        RunContext ctx = new RunContext(new Target(root, false, root.resolve("no-mounts")), log, Confirmation.yes(), dryRun,
                false, Path.of(System.getProperty("java.io.tmpdir"), "overlayboot-test-locks"), Duration.ofSeconds(5));
        return new Run(new Apply(ctx, steps::add), said);
    }

    private static Path tree(FileSystem fs) throws Exception {
        Path root = InstallerProperties.tree(fs, "GRUB_CMDLINE_LINUX_DEFAULT=\"quiet\"\n");
        InstallerProperties.write(root, "etc/overlayboot.conf", "size=10%\n", 0600);
        return root;
    }

    private static Plan plan(Path root, Planner planner) {
        return planner.plan(new Target(root, false, root.resolve("no-mounts")), Manifest.load(root), false);
    }

    @Test
    void theDryRunPrintsThePlanAndApplyingTheSamePlanMakesExactlyItsChanges() throws Exception {
        try (FileSystem fs = InstallerProperties.fs()) {
            Path root = tree(fs);
            List<String> before = InstallerProperties.describe(root);
            Plan plan = plan(root, Planner.install(REQUEST));
            assertThat(plan.changes()).extracting(Change::path).contains("etc/default/grub", "etc/overlayboot.conf",
                    "etc/initramfs-tools/hooks/overlayboot", "etc/sysctl.d/90-overlayboot.conf");

            List<String> drySteps = new ArrayList<>();
            Run dry = run(root, true, drySteps);
            Result wouldDo = dry.apply().carryOut(plan);
            assertThat(wouldDo.lines()).isEqualTo(plan.preview());
            assertThat(dry.said()).isEmpty();
            assertThat(wouldDo.bootChain()).isEqualTo(BootChainOutcome.WOULD_RUN);
            assertThat(drySteps).isEmpty();
            assertThat(InstallerProperties.describe(root)).isEqualTo(before);

            List<String> steps = new ArrayList<>();
            Run real = run(root, false, steps);
            Result did = real.apply().carryOut(plan);
            assertThat(did.changes()).isEqualTo(wouldDo.changes()).isEqualTo(plan.summary());
            assertThat(did.commands()).isEqualTo(wouldDo.commands()).isEqualTo(plan.shownCommands());
            assertThat(did.bootChain()).isEqualTo(BootChainOutcome.PRINTED); // no /proc in a jimfs tree
            // Every file step of the run is a change of the plan, in the plan's order; the rest is bookkeeping.
            assertThat(steps.stream().filter(s -> !s.contains(Manifest.DIR) && !s.endsWith("/")).toList())
                    .isEqualTo(plan.summary());
            for (Change c : plan.changes()) {
                assertThat(Files.readAllBytes(root.resolve(c.path()))).as(c.path()).isEqualTo(c.after());
                assertThat(String.join("\n", wouldDo.lines())).contains("overlayboot " + c.verb() + " " + c.path());
            }
            assertThat(did.lines()).startsWith(plan.summary().stream().map(s -> s.replaceFirst(" ", " /target/")).toArray(String[]::new));
            // The boot chain could not run in jimfs: what to run by hand is said, not part of the result.
            assertThat(real.said()).anyMatch(l -> l.contains("run these to finish"));
            assertThat(did.lines()).noneMatch(l -> l.contains("run these to finish"));

            // Planned again on the result, there is nothing left to do.
            assertThat(plan(root, Planner.install(REQUEST)).changes()).isEmpty();
        }
    }

    @Test
    void theUninstallPlanIsPrintedAndAppliedTheSameWay() throws Exception {
        try (FileSystem fs = InstallerProperties.fs()) {
            Path root = tree(fs);
            List<String> before = InstallerProperties.describe(root);
            run(root, false, new ArrayList<>()).apply().run(Planner.install(REQUEST));
            Plan plan = plan(root, Planner.uninstall());
            Run dry = run(root, true, new ArrayList<>());
            Result wouldDo = dry.apply().carryOut(plan);
            assertThat(wouldDo.lines()).isEqualTo(plan.preview());
            Result did = run(root, false, new ArrayList<>()).apply().carryOut(plan);
            assertThat(did.changes()).isEqualTo(wouldDo.changes()).isEqualTo(plan.summary());
            assertThat(InstallerProperties.describe(root)).isEqualTo(before);
        }
    }

    @Test
    void aFileChangedBetweenPlanAndApplyIsNotOverwritten() throws Exception {
        try (FileSystem fs = InstallerProperties.fs()) {
            Path root = tree(fs);
            Plan plan = plan(root, Planner.install(REQUEST));
            Files.writeString(root.resolve("etc/overlayboot.conf"), "size=99%\n"); // the admin, while the question was open
            // The changes before it were made: the error carries them, as the result's lines
            List<String> before = plan.changes().stream().takeWhile(c -> !c.path().equals("etc/overlayboot.conf"))
                    .map(c -> c.verb() + " /target/" + c.path()).toList();
            assertThat(before).isNotEmpty();
            assertThatThrownBy(() -> run(root, false, new ArrayList<>()).apply().carryOut(plan))
                    .isInstanceOfSatisfying(Unfinished.class, e -> {
                        assertThat(e.exitCode()).isEqualTo(ExitCode.ENVIRONMENT);
                        assertThat(e.done()).isEqualTo(before);
                    })
                    .hasMessageContaining("/target/etc/overlayboot.conf: it changed after this run read it");
            assertThat(Files.readString(root.resolve("etc/overlayboot.conf"))).isEqualTo("size=99%\n");
        }
    }

    @Test
    void aPlanWithNothingToDoSaysSoAndRunsNothing() throws Exception {
        try (FileSystem fs = InstallerProperties.fs()) {
            Path root = tree(fs);
            Plan nothing = plan(root, Planner.uninstall());
            assertThat(nothing.unchanged()).contains("overlayboot is not installed in /target; nothing to do.");
            Run run = run(root, false, new ArrayList<>());
            assertThat(run.apply().carryOut(nothing)).isEqualTo(new Result(false, List.of(), List.of(), BootChainOutcome.NONE,
                    List.of("overlayboot is not installed in /target; nothing to do.")));
            assertThat(run.said()).isEmpty();
            assertThat(nothing.records().intent()).isEqualTo(Optional.empty());
        }
    }
}

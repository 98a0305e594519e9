package io.overlayboot.cli;

import io.overlayboot.core.Json;
import io.overlayboot.core.OverlaybootException;
import io.overlayboot.core.ExitCode;
import io.overlayboot.vm.TryRun;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code overlayboot try}: see the chosen options protect a throwaway Debian VM before touching a real machine. */
@Command(name = "try", mixinStandardHelpOptions = true,
        description = {
            "Try these boot options on a throwaway Debian VM first.",
            "Boots a throwaway Debian VM (QEMU, Debian's own kernel and update-initramfs) with these boot options and shows"
                    + " that a write vanishes at reboot, and survives with overlayboot=disabled.",
            "Needs root and: qemu-system-x86 mmdebstrap e2fsprogs busybox-static. The first run builds a Debian chroot in"
                    + " /var/cache/overlayboot (1-3 minutes, cached); each run then takes about a minute."
        })
final class TryCommand implements Subcommand {
    @Mixin
    private BootOptionsMixin boot;

    @Mixin
    private JsonOption json;

    @Option(names = "--console", description = "Also show the VMs' serial console.")
    private boolean console;

    @Override
    public Rendered run(Output output) {
        // Progress only for a person at a terminal; --json output stays clean for scripts.
        boolean quiet = output.json() || System.console() == null || !System.console().isTerminal();
        TryRun.Outcome outcome = TryRun.run(boot.request(),
                line -> {
                    if (!quiet) {
                        output.err().println("overlayboot try: " + line);
                    }
                },
                line -> {
                    if (console) {
                        output.err().println("  | " + line);
                    }
                });
        Rendered result = Rendered.of(out -> text(outcome, out), () -> json(outcome));
        if (!outcome.asPromised()) {
            return result.thenFail(new OverlaybootException(ExitCode.EXTERNAL_FAILURE, "the try VM did not behave as promised with "
                    + (outcome.kernelParameter().isEmpty() ? "these options" : outcome.kernelParameter())
                    + ": vanished=" + outcome.vanished() + ", survivedDisabled=" + outcome.survivedDisabled(),
                    "read the lines above, or run again with --console"));
        }
        return result;
    }

    private static Object json(TryRun.Outcome outcome) {
        return Json.object("kernelParameter", outcome.kernelParameter(), "vanished", outcome.vanished(),
                "survivedDisabled", outcome.survivedDisabled(),
                "boots", outcome.boots().stream().map(b -> Json.object("purpose", b.purpose(),
                        "parameters", String.join(" ", b.parameters()),
                        "status", b.result().marker("state.status").orElse(""),
                        "root", b.result().marker("root.source").orElse("") + " " + b.result().marker("root.fstype").orElse(""),
                        "overlaybootLines", b.result().linesContaining("overlayboot: ").stream()
                                .filter(l -> !l.startsWith("[") && !l.startsWith("OBT:")).toList())).toList());
    }

    private static void text(TryRun.Outcome outcome, PrintWriter out) {
        for (TryRun.Boot b : outcome.boots()) {
            out.println(b.purpose());
            out.println("  root: " + b.result().marker("root.source").orElse("?") + " ("
                    + b.result().marker("root.fstype").orElse("?") + ")");
            b.result().linesContaining("overlayboot: ").stream()
                    .filter(l -> !l.startsWith("[") && !l.startsWith("OBT:"))
                    .map(l -> l.substring(l.indexOf("overlayboot: ")))
                    .distinct()
                    .forEach(l -> out.println("  " + l));
            b.result().marker("check.exists").ifPresent(e -> out.println("  /" + TryRun.FILE + (e.equals("1") ? " is there" : " is gone")));
            b.result().marker("write").ifPresent(w -> out.println("  wrote /" + TryRun.FILE + (w.equals("0") ? "" : " FAILED (exit " + w + ")")));
        }
        out.println(outcome.vanished()
                ? "Protected: the write of boot 1 was gone after the reboot."
                : "NOT protected: the write of boot 1 was still on disk after the reboot.");
        out.println(outcome.survivedDisabled()
                ? "With overlayboot=disabled a write stays on disk, as it should."
                : "The write made with overlayboot=disabled was not seen on the next boot.");
    }
}

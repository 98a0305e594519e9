package io.overlayboot.cli;

import io.overlayboot.core.ExitCode;
import io.overlayboot.core.OverlaybootException;
import io.overlayboot.guard.CheckReport;
import io.overlayboot.guard.KernelReport;
import io.overlayboot.guard.NextBoot;
import io.overlayboot.guard.NextBootCheck;
import io.overlayboot.guard.Outcome;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code overlayboot check}: will the next boot protect the root, and if not, why. */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = {"Say whether the next boot protects the root, and why not.",
            "Checks that GRUB's default entry (grubenv's saved_entry and next_entry included) passes",
            "aufs=/overlayboot= or the config's mode= protects every boot, its kernel has",
            "overlay, its initrd holds the boot script, the config, overlay.ko and (for a device upper) blkid; then",
            "every other installed kernel. Exit 0 when the next boot protects, 1 when it will not, 7 when it cannot tell.",
            "With --kernel, check that kernel's initrd only; --guard is how the kernel and initramfs hooks run it."})
final class CheckCommand implements Callable<Integer> {
    @Option(names = "--root", paramLabel = "DIR", defaultValue = "/",
            description = "The system's / (default: /), or a mounted image or chroot tree.")
    private Path root;

    @Option(names = "--kernel", paramLabel = "VERSION",
            description = "Check only this kernel and its initrd (/boot/initrd.img-VERSION), not the boot loader.")
    private String kernel;

    @Option(names = "--initrd", paramLabel = "FILE",
            description = "With --kernel: the initrd to check, as a path inside the root (default /boot/initrd.img-VERSION).")
    private String initrd;

    @Option(names = "--guard", description = {"With --kernel: run as the kernel/initramfs hook does: silent when protected;",
            "otherwise 'E:' lines on stderr. Either way the kernel's lines in /var/lib/overlayboot/next-boot-unprotected",
            "are brought up to date."})
    private boolean guard;

    @Mixin
    private JsonOption json;

    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() {
        if (!Files.isDirectory(root)) {
            throw OverlaybootException.badInput("--root '" + root + "' is not a directory", "point --root at the target's top directory");
        }
        if (kernel == null && (initrd != null || guard)) {
            throw new OverlaybootException(ExitCode.USAGE, "--initrd and --guard need --kernel VERSION",
                    "say which kernel, e.g. --kernel $(uname -r)");
        }
        NextBootCheck check = new NextBootCheck(root);
        Output out = new Output(spec.commandLine().getOut(), spec.commandLine().getErr());
        if (kernel != null) {
            return kernel(check, out);
        }
        NextBoot verdict = check.check();
        if (json.enabled()) {
            out.json(CheckReport.json(verdict));
        } else {
            CheckReport.lines(verdict).forEach(out::line);
        }
        return exitCode(verdict.outcome()).code();
    }

    private int kernel(NextBootCheck check, Output out) {
        KernelReport report = check.checkKernel(kernel, Optional.ofNullable(initrd));
        if (guard) {
            try {
                check.updateMark(report);
            } catch (IOException e) {
                out.err().println("E: overlayboot: cannot update the mark " + NextBootCheck.markPath() + ": " + e.getMessage());
            }
            CheckReport.guardLines(report).forEach(out.err()::println);
            out.err().flush();
        } else if (json.enabled()) {
            out.json(CheckReport.json(report, check.marks()));
        } else {
            CheckReport.lines(report).forEach(out::line);
        }
        return exitCode(report.outcome()).code();
    }

    private static ExitCode exitCode(Outcome outcome) {
        return switch (outcome) {
            case PROTECTED -> ExitCode.OK;
            case UNPROTECTED -> ExitCode.NOT_PROTECTED;
            case UNKNOWN -> ExitCode.CANNOT_TELL;
        };
    }
}

package io.overlayboot.cli;

import io.overlayboot.core.ExitCode;
import io.overlayboot.core.OverlaybootException;
import io.overlayboot.guard.CheckReport;
import io.overlayboot.guard.KernelReport;
import io.overlayboot.guard.NextBoot;
import io.overlayboot.guard.NextBootCheck;
import io.overlayboot.guard.Outcome;
import java.io.IOException;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code overlayboot check}: will the next boot protect the root, and if not, why. */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = {"Say whether the next boot protects the root, and why not.",
            "Checks that GRUB's default entry (grubenv's saved_entry and next_entry included) passes",
            "aufs=/overlayboot= or the config's mode= protects every boot, its kernel has",
            "overlay, its initrd holds the boot script, the config, overlay.ko and (for a device upper) blkid; then",
            "every other installed kernel. Exit 0 when the next boot protects, 1 when it will not, 7 when it cannot tell.",
            "With --kernel, check that kernel's initrd only; --guard is how the kernel and initramfs hooks run it."})
final class CheckCommand implements Subcommand {
    @Mixin
    private TargetRootMixin target;

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

    @Override
    public Rendered run(Output out) {
        NextBootCheck check = new NextBootCheck(target.directory());
        if (kernel == null && (initrd != null || guard)) {
            throw new OverlaybootException(ExitCode.USAGE, "--initrd and --guard need --kernel VERSION",
                    "say which kernel, e.g. --kernel $(uname -r)");
        }
        if (kernel == null) {
            NextBoot verdict = check.check();
            return Rendered.lines(CheckReport.lines(verdict), () -> CheckReport.json(verdict)).exit(exitCode(verdict.outcome()));
        }
        KernelReport report = check.checkKernel(kernel, Optional.ofNullable(initrd));
        if (!guard) {
            return Rendered.lines(CheckReport.lines(report), () -> CheckReport.json(report, check.marks()))
                    .exit(exitCode(report.outcome()));
        }
        try {
            check.updateMark(report);
        } catch (IOException e) {
            out.err().println("E: overlayboot: cannot update the mark " + NextBootCheck.markPath() + ": " + e.getMessage());
        }
        CheckReport.guardLines(report).forEach(out.err()::println);
        out.err().flush();
        return Rendered.printed().exit(exitCode(report.outcome()));
    }

    /** The exit code of a verdict; {@code upgrade} ends with the same. */
    static ExitCode exitCode(Outcome outcome) {
        return switch (outcome) {
            case PROTECTED -> ExitCode.OK;
            case UNPROTECTED -> ExitCode.NOT_PROTECTED;
            case UNKNOWN -> ExitCode.CANNOT_TELL;
        };
    }
}

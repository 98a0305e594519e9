package io.overlayboot.cli;

import io.overlayboot.core.ExitCode;
import io.overlayboot.core.OverlaybootException;
import io.overlayboot.guard.OneShot;
import io.overlayboot.nextboot.NextBootChoice;
import java.io.IOException;
import java.util.Arrays;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code overlayboot next-boot writable|protected|default}: a choice for the next boot only. */
@Command(name = "next-boot", mixinStandardHelpOptions = true,
        description = {"Choose the next boot only: writable, protected or the default.",
            "writable boots the maintenance entry (overlayboot=disabled: NOT protected) once; protected boots a",
            "protected entry once; default cancels a pending choice. With GRUB it sets GRUB's one-shot next_entry",
            "(as grub-reboot; GRUB_DEFAULT is left alone), naming an entry of /etc/grub.d/42_overlayboot; without",
            "GRUB it leaves /etc/overlayboot/next-boot, which the boot script reads and removes. On a protected",
            "machine the choice is written to the lower layer. 'status' shows what is pending."})
final class NextBootCommand implements Subcommand {
    @Parameters(paramLabel = "CHOICE", description = "writable, protected or default.")
    private String choice;

    @Mixin
    private RunningSystemMixin system;

    @Mixin
    private JsonOption json;

    @Override
    public Rendered run(Output out) throws IOException {
        OneShot.Choice wanted = Arrays.stream(OneShot.Choice.values()).filter(c -> c.word().equals(choice)).findFirst()
                .orElseThrow(() -> new OverlaybootException(ExitCode.USAGE, "Unknown next-boot choice '" + choice + "'",
                        "use writable, protected or default"));
        NextBootChoice result = NextBootChoice.make(system.root(), system.mounts(), wanted,
                line -> out.progress("overlayboot: next-boot: " + line));
        return Rendered.lines(result.lines(), result::json);
    }
}

package io.overlayboot.cli;

import io.overlayboot.core.ExitCode;
import io.overlayboot.core.Json;
import io.overlayboot.core.OverlaybootException;
import io.overlayboot.guard.OneShot;
import io.overlayboot.nextboot.NextBootChoice;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code overlayboot next-boot writable|protected|default}: a choice for the next boot only. */
@Command(name = "next-boot", mixinStandardHelpOptions = true,
        description = {"Choose the next boot only: writable, protected or the default.",
            "writable boots the maintenance entry (overlayboot=disabled: NOT protected) once; protected boots a",
            "protected entry once; default cancels a pending choice. With GRUB it sets GRUB's one-shot next_entry",
            "(as grub-reboot; GRUB_DEFAULT is left alone), naming an entry of /etc/grub.d/42_overlayboot; without",
            "GRUB it leaves /etc/overlayboot/next-boot, which the boot script reads and removes. On a protected",
            "machine the choice is written to the lower layer. 'status' shows what is pending."})
final class NextBootCommand implements Callable<Integer> {
    @Parameters(paramLabel = "CHOICE", description = "writable, protected or default.")
    private String choice;

    @Option(names = "--root", paramLabel = "DIR", defaultValue = "/", description = "The system's / (default: /).")
    private Path root;

    @Option(names = "--mounts", paramLabel = "FILE", defaultValue = "/proc/self/mounts", description = "The mount table to read.")
    private Path mounts;

    @Mixin
    private JsonOption json;

    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        OneShot.Choice wanted = Arrays.stream(OneShot.Choice.values()).filter(c -> c.word().equals(choice)).findFirst()
                .orElseThrow(() -> new OverlaybootException(ExitCode.USAGE, "Unknown next-boot choice '" + choice + "'",
                        "use writable, protected or default"));
        var err = spec.commandLine().getErr();
        NextBootChoice result = NextBootChoice.make(root, mounts, wanted, line -> {
            err.println("overlayboot: next-boot: " + line);
            err.flush();
        });
        var out = spec.commandLine().getOut();
        if (json.enabled()) {
            out.println(Json.write(result.json()));
        } else {
            result.lines().forEach(out::println);
        }
        return ExitCode.OK.code();
    }
}

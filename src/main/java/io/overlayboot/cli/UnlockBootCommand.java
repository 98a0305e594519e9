package io.overlayboot.cli;

import io.overlayboot.grub.BootLock;
import io.overlayboot.maintain.Durable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code overlayboot unlock-boot}: undo {@code lock-boot}, byte for byte. */
@Command(name = "unlock-boot", mixinStandardHelpOptions = true,
        description = {"Take the password off the GRUB menu, byte for byte.",
            "Puts back every byte lock-boot changed.",
            "Refuses when a file lock-boot wrote was changed since (--force puts the old bytes back anyway); then",
            "update-grub runs. Root only. Nothing to do (exit 0) when the menu is not locked by overlayboot."})
final class UnlockBootCommand implements Subcommand {
    @Mixin
    private LowerTargetMixin target;

    @Option(names = "--force", description = "Put the bytes from before lock-boot back even over files changed since.")
    private boolean force;

    @Mixin
    private JsonOption json;

    @Override
    public Rendered run(Output out) {
        Durable.requireRoot("unlock-boot");
        try (Durable place = Durable.open(target.root(), target.mounts(), out::note)) {
            return BootLockOutput.rendered(BootLock.unlock(place, force, out.log()));
        }
    }
}

package io.overlayboot.cli;

import io.overlayboot.install.Apply;
import io.overlayboot.install.Planner;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code overlayboot uninstall}: put every file back as it was before install. */
@Command(name = "uninstall", mixinStandardHelpOptions = true,
        description = {
            "Put back every file install changed, byte for byte.",
            "Puts the target root back as it was before install, byte for byte (content, mode, owner), from the manifest"
                    + " in var/lib/overlayboot/; then refresh the initramfs and GRUB the same way install does.",
            "Refuses to overwrite a file changed since install unless --force."
        })
final class UninstallCommand implements Subcommand {
    @Mixin
    private TargetOptions target;

    @Override
    public Rendered run(Output out) {
        return target.apply(out, ctx -> new Apply(ctx).run(Planner.uninstall()));
    }
}

package io.overlayboot.cli;

import io.overlayboot.install.Enabling;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code overlayboot disable}: take back what {@code enable} did. */
@Command(name = "disable", mixinStandardHelpOptions = true,
        description = {
            "Switch protection off again after enable, byte for byte.",
            "Puts back every file enable changed (the GRUB parameter, the settings in /etc/overlayboot.conf) from the"
                    + " manifest in /var/lib/overlayboot/, then rebuilds the initrds and GRUB's menu. The package's files stay.",
            "Refuses to overwrite a file changed since enable unless --force; /etc/default/grub keeps later edits."
        })
final class DisableCommand implements Subcommand {
    @Mixin
    private TargetOptions target;

    @Option(names = "--from-package",
            description = "For the package's prerm: leave the initrds to initramfs-tools' trigger, and skip GRUB when it is absent.")
    private boolean fromPackage;

    @Override
    public Rendered run(Output out) {
        return target.apply(out, ctx -> Enabling.disable(ctx, fromPackage));
    }
}

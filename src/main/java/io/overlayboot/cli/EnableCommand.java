package io.overlayboot.cli;

import io.overlayboot.install.Enabling;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code overlayboot enable}: switch on the Debian package's boot files. */
@Command(name = "enable", mixinStandardHelpOptions = true,
        description = {
            "Switch protection on where the Debian package is installed.",
            "Installing the package changes nothing about how the machine boots; enable adds the GRUB kernel parameter"
                    + " (aufs=tmpfs, or aufs=DEV) through /etc/default/grub.d/overlayboot.cfg (or /etc/default/grub),"
                    + " sets the options given in /etc/overlayboot.conf (mode= too when there is no GRUB, or with --no-grub,"
                    + " so every boot protects), then rebuilds the initrds and GRUB's menu.",
            "A bad option is refused before anything changes; a failed rebuild is rolled back. 'overlayboot disable'"
                    + " puts every file back byte for byte. Where overlayboot was set up with 'install', use 'configure'."
        })
final class EnableCommand implements Subcommand {
    @Mixin
    private TargetOptions target;

    @Mixin
    private BootOptionsMixin boot;

    @Override
    public Rendered run(Output out) {
        return target.apply(out, ctx -> Enabling.enable(ctx, boot.request()));
    }
}

package io.overlayboot.cli;

import io.overlayboot.install.Apply;
import io.overlayboot.install.Planner;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code overlayboot install}: lay the rendered files into a target root and update its initramfs and GRUB. */
@Command(name = "install", mixinStandardHelpOptions = true,
        description = {
            "Install overlayboot into a root; update its initramfs and GRUB.",
            "Installs into the target root (/ by default): the boot script, the initramfs hook, the config,"
                    + " the GRUB kernel parameter; then runs update-initramfs -u -k all and update-grub"
                    + " (via chroot for --root, or printed when the target cannot run them).",
            "Shows what it changes and asks first; --dry-run shows the full diff and changes nothing.",
            "Running it again with other options changes the install; with the same options it changes nothing."
        })
final class InstallCommand implements Subcommand {
    @Mixin
    private TargetOptions target;

    @Mixin
    private BootOptionsMixin boot;

    @Override
    public Rendered run(Output out) {
        return target.apply(out, ctx -> new Apply(ctx).run(Planner.install(boot.request())));
    }
}

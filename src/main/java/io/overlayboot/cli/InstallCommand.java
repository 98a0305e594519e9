package io.overlayboot.cli;

import io.overlayboot.core.ExitCode;
import io.overlayboot.install.Apply;
import io.overlayboot.install.Planner;
import io.overlayboot.install.Result;
import io.overlayboot.install.RunContext;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

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
final class InstallCommand implements Callable<Integer> {
    @Mixin
    private TargetOptions target;

    @Mixin
    private BootOptionsMixin boot;

    @Mixin
    private JsonOption json;

    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() {
        RunContext ctx = target.context(spec, json.enabled());
        Result result = new Apply(ctx).run(Planner.install(boot.request()));
        if (json.enabled()) {
            TargetOptions.printJson(spec, ctx.target().root(), result);
        }
        return ExitCode.OK.code();
    }
}

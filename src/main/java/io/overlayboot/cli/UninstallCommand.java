package io.overlayboot.cli;

import io.overlayboot.core.ExitCode;
import io.overlayboot.install.Result;
import io.overlayboot.install.RunContext;
import io.overlayboot.install.Uninstaller;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code overlayboot uninstall}: put every file back as it was before install. */
@Command(name = "uninstall", mixinStandardHelpOptions = true,
        description = {
            "Put back every file install changed, byte for byte.",
            "Puts the target root back as it was before install, byte for byte (content, mode, owner), from the manifest"
                    + " in var/lib/overlayboot/; then refresh the initramfs and GRUB the same way install does.",
            "Refuses to overwrite a file changed since install unless --force."
        })
final class UninstallCommand implements Callable<Integer> {
    @Mixin
    private TargetOptions target;

    @Mixin
    private JsonOption json;

    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() {
        RunContext ctx = target.context(spec, json.enabled());
        Result result = new Uninstaller(ctx).uninstall();
        if (json.enabled()) {
            TargetOptions.printJson(spec, ctx.target().root(), result);
        }
        return ExitCode.OK.code();
    }
}

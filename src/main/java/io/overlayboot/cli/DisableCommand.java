package io.overlayboot.cli;

import io.overlayboot.core.ExitCode;
import io.overlayboot.install.Enabling;
import io.overlayboot.install.Result;
import io.overlayboot.install.RunContext;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code overlayboot disable}: take back what {@code enable} did. */
@Command(name = "disable", mixinStandardHelpOptions = true,
        description = {
            "Switch protection off again after enable, byte for byte.",
            "Puts back every file enable changed (the GRUB parameter, the settings in /etc/overlayboot.conf) from the"
                    + " manifest in /var/lib/overlayboot/, then rebuilds the initrds and GRUB's menu. The package's files stay.",
            "Refuses to overwrite a file changed since enable unless --force; /etc/default/grub keeps later edits."
        })
final class DisableCommand implements Callable<Integer> {
    @Mixin
    private TargetOptions target;

    @Mixin
    private JsonOption json;

    @Option(names = "--from-package",
            description = "For the package's prerm: leave the initrds to initramfs-tools' trigger, and skip GRUB when it is absent.")
    private boolean fromPackage;

    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() {
        RunContext ctx = target.context(spec, json.enabled());
        Result result = Enabling.disable(ctx, fromPackage);
        if (json.enabled()) {
            TargetOptions.printJson(spec, ctx.target().root(), result);
        }
        return ExitCode.OK.code();
    }
}

package io.overlayboot.cli;

import io.overlayboot.core.Json;
import io.overlayboot.core.ExitCode;
import io.overlayboot.files.Trees;
import io.overlayboot.render.RenderRequest;
import io.overlayboot.sandbox.Demo;
import io.overlayboot.sandbox.Sandbox;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code overlayboot demo}: see the boot script protect a root, safely, on this machine. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {
            "Run the boot script in a sandbox and show where a write went.",
            "Renders the boot script and runs it in a sandbox (a private mount namespace, a chroot shaped like the"
                    + " initramfs, a read-only ext4 root image), then shows where a write went. Touches nothing outside a temp directory.",
            "Needs root, busybox-static, initramfs-tools-core and e2fsprogs."
        })
final class DemoCommand implements Callable<Integer> {
    @Option(names = "--cmdline", paramLabel = "TEXT",
            description = "The kernel command line to boot with. Default: root=/dev/vda ro plus the parameter the GRUB drop-in adds"
                    + " (none with --no-grub). The initramfs holds the rendered config file either way.")
    private String cmdline;

    @Option(names = "--keep", description = "Keep the work directory (the images) and print its path.")
    private boolean keep;

    @Mixin
    private BootOptionsMixin boot;

    @Mixin
    private JsonOption json;

    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        RenderRequest request = boot.request();
        String line = cmdline != null ? cmdline : Demo.defaultCmdline(request);
        Path work = Files.createTempDirectory("overlayboot-demo");
        var out = spec.commandLine().getOut();
        try {
            Sandbox.Result r = Demo.run(request, line, work, json.enabled() ? new java.io.PrintWriter(java.io.Writer.nullWriter()) : out);
            if (json.enabled()) {
                out.println(Json.write(Json.object("cmdline", line, "status", r.state().getOrDefault("status", "none"),
                        "root", r.mountAt("/root").map(Sandbox.Mount::type).orElse(""),
                        "console", r.boot().output())));
            }
            return ExitCode.OK.code();
        } finally {
            if (keep) {
                spec.commandLine().getErr().println("overlayboot: kept " + work);
            } else {
                Trees.delete(work);
            }
        }
    }
}

package io.overlayboot.cli;

import io.overlayboot.core.Json;
import io.overlayboot.files.Trees;
import io.overlayboot.render.RenderRequest;
import io.overlayboot.sandbox.Demo;
import io.overlayboot.sandbox.Sandbox;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code overlayboot demo}: see the boot script protect a root, safely, on this machine. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {
            "Run the boot script in a sandbox and show where a write went.",
            "Renders the boot script and runs it in a sandbox (a private mount namespace, a chroot shaped like the"
                    + " initramfs, a read-only ext4 root image), then shows where a write went. Touches nothing outside a temp directory.",
            "Needs root, busybox-static, initramfs-tools-core and e2fsprogs."
        })
final class DemoCommand implements Subcommand {
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

    /** The demo tells its story on stdout as it goes; with {@code --json} that is dropped for the summary. */
    @Override
    public Rendered run(Output out) throws IOException {
        RenderRequest request = boot.request();
        String line = cmdline != null ? cmdline : Demo.defaultCmdline(request);
        Path work = Files.createTempDirectory("overlayboot-demo");
        try {
            Sandbox.Result r = Demo.run(request, line, work, out.json() ? new PrintWriter(Writer.nullWriter()) : out.out());
            return Rendered.of(text -> {}, () -> Json.object("cmdline", line, "status", r.state().getOrDefault("status", "none"),
                    "root", r.mountAt("/root").map(Sandbox.Mount::type).orElse(""),
                    "console", r.boot().output()));
        } finally {
            if (keep) {
                out.err().println("overlayboot: kept " + work);
            } else {
                Trees.delete(work);
            }
        }
    }
}

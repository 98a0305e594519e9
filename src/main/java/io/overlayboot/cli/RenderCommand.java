package io.overlayboot.cli;

import io.overlayboot.core.ExitCode;
import io.overlayboot.core.Json;
import io.overlayboot.core.OverlaybootException;
import io.overlayboot.render.Layout;
import io.overlayboot.render.RenderRequest;
import io.overlayboot.render.RenderedFile;
import io.overlayboot.render.Renderer;
import io.overlayboot.render.TreeWriter;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code overlayboot render}: write the boot script, hook, config and GRUB drop-in under a directory. */
@Command(name = "render", mixinStandardHelpOptions = true,
        description = {
            "Write the files that protect a Debian-style machine under DIR.",
            "Writes every file that makes a Debian-style machine boot protected under DIR, laid out as under the target's /.",
            "With no options: the GRUB drop-in adds aufs=tmpfs (writes in RAM, capped at 50%% of it); a boot without a parameter stays plain."
        })
final class RenderCommand implements Subcommand {
    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Directory to write into (created if missing).")
    private Path out;

    @Option(names = "--layout", paramLabel = "admin|package", defaultValue = "admin",
            description = {"admin (default): the files as 'install' lays them, under /etc.",
                "package: the Debian package's places (/usr/share/initramfs-tools, /usr/lib/dracut), the conffiles under /etc, no GRUB drop-in: inert until 'overlayboot enable'."})
    private String layout;

    @Mixin
    private BootOptionsMixin boot;

    @Mixin
    private JsonOption json;

    @Override
    public Rendered run(Output output) {
        Layout placed = switch (layout) {
            case "admin" -> Layout.ADMIN;
            case "package" -> Layout.PACKAGE;
            default -> throw new OverlaybootException(ExitCode.USAGE, "Unknown --layout '" + layout + "'",
                    "use --layout admin or --layout package");
        };
        RenderRequest request = boot.request();
        List<RenderedFile> files = new Renderer().render(request, null, placed);
        TreeWriter.write(out, files);
        request.sysctl().stream().flatMap(s -> s.warning().stream()).forEach(output::warn);
        return Rendered.of(text -> {
            files.forEach(f -> text.println(String.format("%04o %s", f.mode(), out.resolve(f.path()))));
            text.println(placed == Layout.PACKAGE
                    ? "Rendered " + files.size() + " files in the package's places; nothing switches protection on."
                    : "Rendered " + files.size() + " files; the GRUB drop-in adds " + request.kernelParameter() + ".");
        }, () -> Json.object("out", out.toString(), "kernelParameter", request.kernelParameter(),
                "files", files.stream().map(f -> Json.object("path", f.path(), "mode", String.format("%04o", f.mode()),
                        "bytes", f.content().length)).toList()));
    }
}

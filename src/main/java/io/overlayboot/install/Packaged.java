package io.overlayboot.install;

import io.overlayboot.core.OverlaybootException;
import io.overlayboot.render.Renderer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import io.overlayboot.settings.Setting;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The Debian package as seen from a target root, and how {@code overlayboot install} (from the jar)
 * and the package stay out of each other's way. Both would own the boot library
 * ({@value Renderer#LIBRARY}): {@code apt remove} would delete the library an installed hook
 * sources, and {@code uninstall} would delete the package's copy. So one refuses the other:
 * {@code install} refuses a root where the package is installed (use {@code enable}), {@code enable}
 * refuses a root without it (use {@code install}), and the package's {@code preinst} refuses a root
 * with a manifest of {@code install} (run {@code uninstall} first).
 */
public final class Packaged {
    /** The package's conffile that {@code enable} sets the chosen settings in. */
    public static final String CONFIG = "etc/overlayboot.conf";
    /** dpkg's list of the package's files: present while the package is installed (or only its conffiles are left). */
    public static final String DPKG_LIST = "var/lib/dpkg/info/overlayboot.list";

    private Packaged() {}

    /**
     * True when the package's files are in the target: dpkg lists the boot library as the
     * package's and it is there (after {@code apt remove} only the conffiles are listed).
     */
    public static boolean installed(Target target) {
        Path list = target.resolve(DPKG_LIST);
        if (!Files.isRegularFile(list, LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        try {
            boolean listed = Files.readAllLines(list, StandardCharsets.UTF_8).contains("/" + Renderer.LIBRARY);
            return listed && Files.isRegularFile(target.resolve(Renderer.LIBRARY), LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            throw OverlaybootException.environment("Cannot read " + target.show(DPKG_LIST) + ": " + e.getMessage(), null);
        }
    }

    /** {@code install}: refused where the package carries the boot files. */
    static void refuseInstall(Target target) {
        if (installed(target)) {
            throw OverlaybootException.environment("The overlayboot package is installed in " + target.show("")
                    + " and carries the boot files; 'install' would take them over and 'apt remove' would break them",
                    "run 'overlayboot enable' instead (the same options)");
        }
    }

    /** {@code enable}: needs the package's boot files. */
    static void requirePackage(Target target) {
        if (!installed(target)) {
            throw OverlaybootException.environment("The overlayboot package is not installed in " + target.show("")
                    + " (no " + Renderer.LIBRARY + " listed in " + DPKG_LIST + "): 'enable' switches on the package's boot files",
                    "install the package (apt install ./overlayboot_*.deb), or use 'overlayboot install' to lay the files yourself");
        }
    }

    /**
     * {@code text} (a config file) with each of {@code settings} set: the last active {@code key=} line
     * replaced, else the first commented {@code #key=} one, else a line appended. Every other line stays.
     */
    static String setAll(String text, Map<Setting, String> settings) {
        List<String> lines = new ArrayList<>(List.of(text.split("\n", -1)));
        boolean endsWithNewline = text.isEmpty() || text.endsWith("\n");
        if (endsWithNewline) {
            lines.removeLast();
        }
        settings.forEach((setting, value) -> {
            String key = setting.name();
            String line = key + "=" + value;
            int active = -1;
            int commented = -1;
            for (int i = 0; i < lines.size(); i++) {
                String l = lines.get(i);
                if (l.startsWith(key + "=")) {
                    active = i;
                } else if (commented < 0 && l.startsWith("#" + key + "=")) {
                    commented = i;
                }
            }
            if (active >= 0) {
                lines.set(active, line);
            } else if (commented >= 0) {
                lines.set(commented, line);
            } else {
                lines.add(line);
            }
        });
        String joined = String.join("\n", lines);
        return lines.isEmpty() ? "" : endsWithNewline ? joined + "\n" : joined;
    }
}

package io.overlayboot.guard;

import io.overlayboot.settings.BootParameters;
import io.overlayboot.settings.Resolution;
import io.overlayboot.settings.Settings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Checks one kernel and its initrd: the kernel has the union filesystem (a module in
 * {@code /lib/modules/VERSION} or built in), and the initrd holds what its generator needs for
 * overlayboot (the boot script, its place in the order, the config), the union module unless it is
 * built in, and {@code blkid} when the upper layer is a device.
 */
final class KernelCheck {
    static final List<String> BLKID = List.of("sbin/blkid", "usr/sbin/blkid", "bin/blkid", "usr/bin/blkid");
    /** The union filesystems overlayboot can use, in the order {@code driver=auto} tries them. */
    static final List<String> UNIONS = List.of("overlay", "aufs");

    private final InRoot root;
    /** The Debian package carries the boot files: the hints name its places (see {@link PackageHints}). */
    private final boolean packaged;
    /** Where what was found in the initrds is kept between runs, or null to read them every time. */
    private final ContentsCache cache;

    KernelCheck(InRoot root) {
        this(root, null);
    }

    KernelCheck(InRoot root, ContentsCache cache) {
        this.root = root;
        this.packaged = PackageHints.installed(root);
        this.cache = cache;
    }

    /**
     * Checks kernel {@code version} booted with {@code initrds} (paths inside the root, in load order).
     *
     * @param cmdline the kernel command line of the boot entry; empty when not known, and then the
     *     settings come from the initrd's config file alone
     */
    KernelReport check(String version, List<String> initrds, String cmdline) {
        List<Reason> reasons = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        String etcConfig = root.readText("etc/overlayboot.conf").orElse("");

        Optional<InitrdContents> contents = contents(version, initrds, reasons);
        Optional<Generator> generator = contents.flatMap(Generator::of);
        String rebuild = Generator.withVersion(generator.orElse(Generator.INITRAMFS_TOOLS).rebuild(), version);
        String shown = String.join(" ", initrds);
        if (contents.isPresent() && generator.isEmpty()) {
            reasons.add(Reason.cannotTell("initrd " + shown + " was not built by "
                    + String.join(" or ", Generator.ALL.stream().map(g -> g.name() + " (no " + g.marker() + ")").toList())
                    + ": overlayboot cannot verify it", "rebuild it with " + rebuild));
        }
        String config = contents.isPresent() ? contents.get().text("etc/overlayboot.conf").orElse("") : etcConfig;
        Resolution settings = BootParameters.resolve(cmdline, config);
        warnings.addAll(settings.warnings());

        List<String> unions = unions(settings.get(Settings.DRIVER));
        String builtInList = root.readText("lib/modules/" + version + "/modules.builtin").orElse("");
        boolean builtIn = unions.stream().anyMatch(u -> lineEndsWith(builtInList, "/" + u + ".ko"));
        boolean module = unions.stream().anyMatch(u -> hasModule(version, u));
        String unionNames = String.join(" or ", unions);
        if (root.find("lib/modules/" + version).isEmpty()) {
            reasons.add(Reason.cannotTell("/lib/modules/" + version + " does not exist: cannot tell whether kernel "
                    + version + " has " + unionNames, "reinstall the kernel package (linux-image-" + version + ")"));
        } else if (!builtIn && !module) {
            reasons.add(Reason.unprotected("kernel " + version + " has no " + unionNames + " filesystem: no "
                    + String.join(" or ", unions.stream().map(u -> u + ".ko").toList()) + " in /lib/modules/" + version
                    + " and none built in", "install a kernel built with CONFIG_OVERLAY_FS (Debian's linux-image-* has it)"));
        }

        if (generator.isPresent()) {
            InitrdContents initrd = contents.get();
            Generator g = generator.get();
            boolean bootCode = g.requirements().getFirst().in(initrd).isPresent();
            for (Generator.Requirement r : g.requirements()) {
                String hint = PackageHints.adapt(Generator.withVersion(r.hint(), version), packaged);
                Optional<String> at = r.in(initrd);
                if (at.isEmpty()) {
                    if (r.mustContain().isEmpty() || bootCode) {
                        reasons.add(Reason.unprotected("initrd " + shown + " has no " + r.path() + " (" + r.what() + ")", hint));
                    }
                } else if (!r.mustContain().isEmpty() && bootCode
                        && !initrd.text(at.get()).orElse("").contains(r.mustContain())) {
                    reasons.add(Reason.unprotected("initrd " + shown + ": " + at.get() + " does not run " + r.mustContain()
                            + " (" + r.what() + ")", hint));
                }
            }
            if (module && !builtIn && unions.stream().noneMatch(u -> initrdHasModule(initrd, version, u))) {
                reasons.add(Reason.unprotected("initrd " + shown + " has no " + unionNames + " module (" + String.join(" or ",
                        unions.stream().map(u -> u + ".ko").toList()) + ") for kernel " + version,
                        PackageHints.adapt("check that " + g.moduleSource() + " exists (it adds the module), then run " + rebuild,
                                packaged)));
            }
            if (bootCode && settings.get(Settings.MODE).equals("device") && BLKID.stream().noneMatch(initrd::has)) {
                String text = "initrd " + shown + " has no blkid, so the upper device " + settings.get(Settings.DEV)
                        + " cannot be found at boot";
                String hint = "install util-linux's blkid in the target, then run " + rebuild;
                if (settings.get(Settings.FALLBACK).equals("none")) {
                    reasons.add(Reason.unprotected(text + " and fallback=none", hint));
                } else {
                    warnings.add(text + "; writes go to a tmpfs instead (fallback=tmpfs) (hint: " + hint + ")");
                }
            }
            Optional<String> inside = initrd.text("etc/overlayboot.conf");
            if (inside.isPresent() && !inside.get().equals(etcConfig)) {
                warnings.add("the initrd's etc/overlayboot.conf differs from /etc/overlayboot.conf; the boot reads the"
                        + " initrd's (hint: run " + rebuild + ")");
            }
        }
        return new KernelReport(version, initrds, generator.map(Generator::name).orElse(""), settings, reasons, warnings);
    }

    /** Reads the initrds; an unreadable or missing one is a reason, and then there are no contents. */
    private Optional<InitrdContents> contents(String version, List<String> initrds, List<Reason> reasons) {
        String create = "update-initramfs -c -k " + version;
        if (initrds.isEmpty()) {
            reasons.add(Reason.unprotected("kernel " + version + " boots without an initrd, so the boot script never runs",
                    "run " + create + " and update-grub"));
            return Optional.empty();
        }
        List<Path> files = new ArrayList<>();
        for (String initrd : initrds) {
            Optional<Path> file = root.find(initrd).filter(Files::isRegularFile);
            if (file.isEmpty()) {
                reasons.add(Reason.unprotected("initrd " + initrd + " does not exist", "run " + create));
                return Optional.empty();
            }
            files.add(file.get());
        }
        try {
            return Optional.of(cache == null ? InitrdContents.read(files) : cache.contents(initrds, files));
        } catch (IOException e) {
            reasons.add(Reason.cannotTell("cannot read initrd " + String.join(" ", initrds) + ": " + e.getMessage(),
                    "check it with 'overlayboot inspect', and rebuild it with update-initramfs -u -k " + version));
            return Optional.empty();
        }
    }

    private static List<String> unions(String driver) {
        return switch (driver) {
            case "overlay" -> List.of("overlay");
            case "aufs" -> List.of("aufs");
            default -> UNIONS;
        };
    }

    /** Whether a line of {@code text} ends with {@code suffix}, as {@code text.lines().anyMatch(l -> l.endsWith(suffix))}. */
    static boolean lineEndsWith(String text, String suffix) {
        for (int at = text.indexOf(suffix); at >= 0; at = text.indexOf(suffix, at + 1)) {
            int end = at + suffix.length();
            if (end == text.length() || text.charAt(end) == '\n' || text.charAt(end) == '\r') {
                return true;
            }
        }
        return false;
    }

    /** The names a union's module file has: {@code overlay.ko}, compressed or not. */
    private static List<String> moduleNames(String union) {
        return List.of(union + ".ko", union + ".ko.xz", union + ".ko.zst", union + ".ko.gz");
    }

    /**
     * The module where Debian's kernel has it, or as {@code modules.dep} lists it: the file first,
     * four names looked up, since {@code modules.dep} is half a megabyte that {@code status} would
     * otherwise read and match line by line for every installed kernel.
     */
    private boolean hasModule(String version, String union) {
        String dir = union.equals("overlay") ? "overlayfs" : union;
        Optional<Path> fs = root.find("lib/modules/" + version + "/kernel/fs/" + dir);
        if (fs.isPresent() && Files.isDirectory(fs.get())) {
            for (String name : moduleNames(union)) {
                if (Files.exists(fs.get().resolve(name), LinkOption.NOFOLLOW_LINKS)) {
                    return true;
                }
            }
        }
        Pattern name = Pattern.compile("(?:.*/)?" + union + "\\.ko(?:\\.(?:xz|zst|gz))?");
        Optional<String> dep = root.readText("lib/modules/" + version + "/modules.dep");
        return dep.isPresent() && dep.get().lines().map(l -> l.split(":", 2)[0]).anyMatch(p -> name.matcher(p).matches());
    }

    /**
     * Whether the initrd holds {@code union}'s module for kernel {@code version}: a path
     * {@code (usr/)lib/modules/VERSION/.../NAME} with one of {@link #moduleNames}.
     */
    private static boolean initrdHasModule(InitrdContents initrd, String version, String union) {
        List<String> names = moduleNames(union);
        for (String path : initrd.modules()) {
            String rest = path.startsWith("usr/") ? path.substring(4) : path;
            String prefix = "lib/modules/" + version + "/";
            if (rest.startsWith(prefix) && names.contains(rest.substring(rest.lastIndexOf('/') + 1))) {
                return true;
            }
        }
        return false;
    }
}

package io.overlayboot.guard;

import io.overlayboot.render.BootMenu;
import io.overlayboot.settings.BootParameters;
import io.overlayboot.settings.Resolution;
import io.overlayboot.settings.Settings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Finds out what the next boot of a target root will do, from its files alone: GRUB's default
 * entry ({@code /boot/grub/grub.cfg} with {@code grubenv}'s {@code saved_entry} and
 * {@code next_entry}), that entry's kernel command line resolved with the config file the boot
 * reads (the one inside the initrd), its kernel's union filesystem, its initrd's contents; and the
 * same for every other installed kernel. Nothing is written; every path stays inside the root.
 */
public final class NextBootCheck {
    static final String GRUB_CFG = "boot/grub/grub.cfg";
    static final String GRUBENV = "boot/grub/grubenv";

    private final InRoot root;
    private final KernelCheck kernels;
    private final boolean packaged;

    public NextBootCheck(Path root) {
        this(root, false);
    }

    private NextBootCheck(Path root, boolean cached) {
        this.root = new InRoot(root);
        this.kernels = new KernelCheck(this.root, cached ? ContentsCache.of(this.root.root()) : null);
        this.packaged = PackageHints.installed(this.root);
    }

    /**
     * The check of the running system whose {@code /} is {@code root}, keeping what it finds in the
     * initrds under its {@code /run/overlayboot} ({@link ContentsCache}): for {@code status}, which
     * fleets poll. Not for a target tree that is not running ({@code check --root}, {@code install}):
     * its {@code /run} is no tmpfs of this boot.
     */
    public static NextBootCheck ofRunningSystem(Path root) {
        return new NextBootCheck(root, true);
    }

    /** The full verdict: the next boot, then every other installed kernel. */
    public NextBoot check() {
        List<Reason> reasons = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        BootEntry entry = null;
        KernelReport report = null;
        Optional<String> flag = OneShot.flagWord(root);
        boolean forcedOn = flag.filter("protected"::equals).isPresent();
        Optional<String> grubCfg = root.readText(GRUB_CFG);
        if (grubCfg.isPresent()) {
            GrubConfig grub = GrubConfig.parse(grubCfg.get());
            Map<String, String> env = GrubEnv.parse(root.readText(GRUBENV).orElse(""));
            GrubConfig.Choice choice = grub.choose(env);
            warnings.addAll(choice.notes());
            GrubConfig.MenuEntry e = choice.entry();
            if (e == null) {
                reasons.add(Reason.cannotTell("/" + GRUB_CFG + " has no menu entry", "run update-grub"));
            } else {
                entry = new BootEntry(e.path(), e.id(), choice.source() + " '" + choice.spec() + "'", e.kernel(), e.arguments());
                Optional<String> version = kernelVersion(e.kernel());
                if (version.isEmpty()) {
                    reasons.add(Reason.cannotTell("the default GRUB entry '" + e.path() + "' boots "
                            + (e.kernel().isEmpty() ? "no Linux kernel" : "'" + e.kernel() + "', which is not a kernel of this root"),
                            "choose a Linux entry with grub-set-default (or GRUB_DEFAULT in /etc/default/grub, then update-grub)"));
                } else {
                    List<String> initrds = e.initrds().stream().map(NextBootCheck::grubPath).map(this::initrdPath).toList();
                    report = kernels.check(version.get(), initrds, e.arguments());
                    reasons.addAll(report.reasons());
                    warnings.addAll(report.warnings());
                    boolean oneShot = choice.source().startsWith("grubenv next_entry");
                    Optional<Reason> parameter = forcedOn ? Optional.empty() : parameterReason(e, report.settings());
                    if (oneShot && BootMenu.WRITABLE.equals(choice.spec()) && parameter.isPresent()) {
                        parameter = Optional.of(deliberate("'overlayboot next-boot writable' chose the entry '" + e.path()
                                + "' (grubenv next_entry), which passes overlayboot=disabled; GRUB clears the choice as it boots it"));
                    }
                    parameter.ifPresent(reasons::add);
                    if (oneShot) {
                        Map<String, String> without = new java.util.HashMap<>(env);
                        without.remove("next_entry");
                        GrubConfig.MenuEntry after = grub.choose(without).entry();
                        if (after != null) {
                            warnings.add("the boot after this one-shot boot uses GRUB's default '" + after.path() + "' again: "
                                    + verdictOf(after));
                        }
                    }
                }
            }
        } else {
            Resolution config = BootParameters.resolve("", root.readText("etc/overlayboot.conf").orElse(""));
            Optional<String> version = defaultKernel();
            if (!config.active() && flag.isEmpty()) {
                reasons.add(Reason.cannotTell("no /" + GRUB_CFG + " and /etc/overlayboot.conf sets no mode=: cannot tell"
                        + " whether the boot loader passes aufs=... or overlayboot=...",
                        PackageHints.adapt("set mode=tmpfs in /etc/overlayboot.conf (overlayboot install --mode tmpfs --no-grub)"
                                + " so every boot is protected", packaged)));
            } else if (version.isEmpty()) {
                reasons.add(Reason.cannotTell("no /" + GRUB_CFG + " and no kernel in /boot (no /vmlinuz, no /boot/vmlinuz-*)",
                        "install a kernel package (linux-image-amd64)"));
            } else {
                entry = new BootEntry("the kernel /vmlinuz points to (no GRUB menu)", "",
                        config.active() ? "mode=" + config.get(Settings.MODE) + " in /etc/overlayboot.conf protects every boot"
                                : "the one-shot flag /" + OneShot.FLAG, "/boot/vmlinuz-" + version.get(), "");
                report = kernels.check(version.get(), List.of("/boot/initrd.img-" + version.get()), "");
                reasons.addAll(report.reasons());
                warnings.addAll(report.warnings());
                if (!report.settings().active() && !forcedOn) {
                    reasons.add(Reason.unprotected("the config file inside /boot/initrd.img-" + version.get()
                            + " sets no mode=, and no GRUB menu passes a parameter", "run " + Generator.rebuild(report.generator(), version.get())));
                }
            }
        }
        if (flag.filter("writable"::equals).isPresent()) {
            reasons.clear();
            reasons.add(deliberate("'overlayboot next-boot writable' left /" + OneShot.FLAG + ": the boot script boots the root"
                    + " unprotected once and removes the flag"));
        }
        String next = report == null ? "" : report.version();
        List<KernelReport> others = new ArrayList<>();
        for (String v : installedKernels()) {
            if (!v.equals(next)) {
                others.add(kernels.check(v, List.of("/boot/initrd.img-" + v), ""));
            }
        }
        return new NextBoot(entry, report, reasons, warnings, others, Mark.read(root), OneShot.pending(root).orElse(null));
    }

    /** A boot that is unprotected on purpose: still the verdict (nothing protects it), said as chosen. */
    private static Reason deliberate(String why) {
        return Reason.unprotected("deliberately, for the next boot only: " + why + "; the boot after it is the default again",
                "cancel it with 'overlayboot next-boot default'");
    }

    /** {@code protected}, or {@code UNPROTECTED: reason}, or {@code cannot tell: reason} for a GRUB entry. */
    private String verdictOf(GrubConfig.MenuEntry e) {
        Optional<String> version = kernelVersion(e.kernel());
        if (version.isEmpty()) {
            return "cannot tell: it boots no kernel of this root";
        }
        KernelReport k = kernels.check(version.get(), e.initrds().stream().map(NextBootCheck::grubPath).map(this::initrdPath).toList(),
                e.arguments());
        List<Reason> all = new ArrayList<>(k.reasons());
        parameterReason(e, k.settings()).ifPresent(all::add);
        return switch (Outcome.of(all)) {
            case PROTECTED -> "protected";
            case UNPROTECTED -> "UNPROTECTED: " + all.stream().filter(r -> !r.unknown()).findFirst().orElseThrow().text();
            case UNKNOWN -> "cannot tell: " + all.getFirst().text();
        };
    }

    /** The check of one kernel as the guard runs it after a kernel install or initrd build. */
    public KernelReport checkKernel(String version, Optional<String> initrd) {
        return kernels.check(version, List.of(initrd.orElse("/boot/initrd.img-" + version)), "");
    }

    /** Replaces {@code report}'s kernel's lines in the mark file ({@link Mark}). */
    public void updateMark(KernelReport report) throws IOException {
        List<String> installed = installedKernels();
        Mark.update(root, report, v -> v.equals(report.version()) || installed.contains(v));
    }

    /** The lines of the mark file ({@link Mark}); none when there is none. */
    public List<Mark.Line> marks() {
        return Mark.read(root);
    }

    /** The mark file, as the target sees it. */
    public static String markPath() {
        return "/" + Mark.PATH;
    }

    /** The kernels with both a modules tree and an image in /boot, oldest first. */
    List<String> installedKernels() {
        Optional<Path> modules = root.find("lib/modules");
        if (modules.isEmpty() || !Files.isDirectory(modules.get())) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(modules.get())) {
            return s.map(p -> p.getFileName().toString())
                    .filter(v -> root.find("boot/vmlinuz-" + v).isPresent())
                    .sorted(KernelVersions.ORDER).toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    private Optional<Reason> parameterReason(GrubConfig.MenuEntry e, Resolution settings) {
        if (settings.active()) {
            return Optional.empty();
        }
        if (settings.get(Settings.MODE).equals("disabled")) {
            return Optional.of(Reason.unprotected("the default GRUB entry '" + e.path() + "' passes overlayboot=disabled",
                    "boot another entry, or remove overlayboot=disabled from the GRUB configuration and run update-grub"));
        }
        return Optional.of(Reason.unprotected("the default GRUB entry '" + e.path() + "' passes no aufs= or overlayboot="
                + " parameter and the initrd's config sets no mode=", PackageHints.adapt("run 'overlayboot install' (it adds aufs=tmpfs to"
                        + " GRUB_CMDLINE_LINUX_DEFAULT) or update-grub, or choose a protected entry with grub-set-default", packaged)));
    }

    /** The version of a kernel file named by the boot loader: from its name, or from the link it is. */
    private Optional<String> kernelVersion(String kernel) {
        if (kernel.isEmpty()) {
            return Optional.empty();
        }
        String path = grubPath(kernel);
        Optional<String> named = versionOf(path);
        if (named.isPresent()) {
            return named;
        }
        for (String candidate : List.of(path, "boot/" + path)) {
            try {
                Path real = root.resolve(candidate);
                Optional<String> v = versionOf(real.getFileName() == null ? "" : real.getFileName().toString());
                if (v.isPresent() && Files.exists(real)) {
                    return v;
                }
            } catch (IOException ex) {
                // a link loop names no kernel
            }
        }
        return Optional.empty();
    }

    private static Optional<String> versionOf(String path) {
        String name = path.substring(path.lastIndexOf('/') + 1);
        for (String prefix : List.of("vmlinuz-", "vmlinux-", "bzImage-")) {
            if (name.startsWith(prefix) && name.length() > prefix.length()) {
                return Optional.of(name.substring(prefix.length()));
            }
        }
        return Optional.empty();
    }

    /** A GRUB file name without its device ({@code (hd0,gpt2)/boot/x} is {@code /boot/x}). */
    private static String grubPath(String file) {
        return file.startsWith("(") && file.indexOf(')') > 0 ? file.substring(file.indexOf(')') + 1) : file;
    }

    /** An initrd as the root sees it: {@code /boot/x} as named, or under /boot when GRUB reads a separate /boot. */
    private String initrdPath(String grubFile) {
        String path = grubFile.startsWith("/") ? grubFile : "/" + grubFile;
        if (root.find(path).isPresent() || path.startsWith("/boot/")) {
            return path;
        }
        return root.find("/boot" + path).isPresent() ? "/boot" + path : path;
    }

    private Optional<String> defaultKernel() {
        for (String link : List.of("vmlinuz", "boot/vmlinuz")) {
            try {
                Path real = root.resolve(link);
                Optional<String> v = versionOf(real.getFileName() == null ? "" : real.getFileName().toString());
                if (v.isPresent() && Files.exists(real)) {
                    return v;
                }
            } catch (IOException e) {
                // try the next
            }
        }
        List<String> installed = installedKernels();
        return installed.isEmpty() ? Optional.empty() : Optional.of(installed.getLast());
    }
}

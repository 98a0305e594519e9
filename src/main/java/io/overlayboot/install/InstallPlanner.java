package io.overlayboot.install;

import io.overlayboot.core.OverlaybootException;
import io.overlayboot.files.Digests;
import io.overlayboot.files.FileMeta;
import io.overlayboot.install.Manifest.Entry;
import io.overlayboot.install.Manifest.GrubMethod;
import io.overlayboot.install.Manifest.Original;
import io.overlayboot.install.Plan.Backup;
import io.overlayboot.install.Plan.Closing;
import io.overlayboot.install.Plan.Notice;
import io.overlayboot.install.Plan.Records;
import io.overlayboot.render.Generator;
import io.overlayboot.render.RenderRequest;
import io.overlayboot.render.RenderedFile;
import io.overlayboot.render.Renderer;
import io.overlayboot.render.Sysctl;
import io.overlayboot.settings.Setting;
import io.overlayboot.settings.Settings;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Plans {@code install} and {@code configure} (an install with changed options on an installed
 * target): the rendered files and the GRUB edit against what is on the target and in the old
 * manifest. Replaced originals are backed up once (configure keeps the first install's backups);
 * files of the old install no longer wanted are put back or removed. Planning the same options
 * twice in a row plans nothing the second time.
 */
final class InstallPlanner {
    private final Target target;
    private final Optional<Manifest> old;
    /** {@code enable}: the Debian package carries the boot files; only the GRUB parameter and the config's settings are planned. */
    private final boolean packaged;

    private InstallPlanner(Target target, Optional<Manifest> old, boolean packaged) {
        this.target = target;
        this.old = old;
        this.packaged = packaged;
    }

    static Planner install(RenderRequest request) {
        return (target, installed, force) -> {
            target.check(force, installed.isPresent());
            GrubMethod method = request.grub() ? target.grubMethod() : GrubMethod.NONE;
            Packaged.refuseInstall(target);
            return new InstallPlanner(target, installed, false).plan(request, method, "Install overlayboot");
        };
    }

    static Planner configure(SettingsChange change) {
        return (target, installed, force) -> {
            Manifest old = installed.orElseThrow(() -> OverlaybootException.environment(
                    "overlayboot is not installed in " + target.show("") + " (no " + Manifest.PATH + ")",
                    "run 'overlayboot install' first"));
            target.check(true, true);
            Map<Setting, String> chosen = new LinkedHashMap<>(old.chosen());
            change.settings().forEach((setting, value) -> {
                if (value.isEmpty()) {
                    chosen.remove(setting);
                } else {
                    chosen.put(setting, value);
                }
            });
            if ("tmpfs".equals(chosen.get(Settings.MODE))) {
                chosen.remove(Settings.DEV);
            }
            Map<String, Sysctl> sysctl = new LinkedHashMap<>();
            old.sysctl().forEach(s -> sysctl.put(s.key(), s));
            change.sysctl().forEach(s -> sysctl.put(s.key(), s));
            change.droppedSysctl().forEach(sysctl::remove);
            RenderRequest request = new RenderRequest(chosen, List.copyOf(sysctl.values()),
                    old.grub() == GrubMethod.DROP_IN);
            return new InstallPlanner(target, installed, old.packaged()).plan(request, old.grub(), "Change the settings of overlayboot");
        };
    }

    /**
     * {@code enable}: on a machine where the Debian package carries the boot files, the GRUB
     * parameter (drop-in or edit, as install) and the chosen settings set in the package's
     * {@code /etc/overlayboot.conf}; without GRUB ({@code --no-grub} or none found) {@code mode=}
     * there, so that every boot protects. Recorded in a manifest marked {@link Manifest#packaged}.
     */
    static Planner enable(RenderRequest asked) {
        return (target, installed, force) -> {
            if (!asked.sysctl().isEmpty()) {
                throw OverlaybootException.badInput("--sysctl is not for 'enable': the package writes no sysctl file",
                        "put the setting in a file of your own under /etc/sysctl.d/");
            }
            Packaged.requirePackage(target);
            installed.filter(m -> !m.packaged()).ifPresent(m -> {
                throw OverlaybootException.environment("overlayboot was set up in " + target.show("") + " by 'overlayboot install'"
                        + " (" + target.show(Manifest.PATH) + "), which owns its own boot files",
                        "keep using 'overlayboot configure', or run 'overlayboot uninstall' first and then 'overlayboot enable'");
            });
            target.check(force, true);
            GrubMethod method = asked.grub() ? target.grubMethod() : GrubMethod.NONE;
            RenderRequest request = asked;
            if (method == GrubMethod.NONE && !asked.chosen().containsKey(Settings.MODE)) {
                Map<Setting, String> chosen = new LinkedHashMap<>(asked.chosen());
                chosen.put(Settings.MODE, asked.chosen().containsKey(Settings.DEV) ? "device" : "tmpfs");
                request = new RenderRequest(chosen, asked.sysctl(), false);
            }
            return new InstallPlanner(target, installed, true).plan(request, method, "Enable overlayboot");
        };
    }

    private Plan plan(RenderRequest asked, GrubMethod method, String question) {
        RenderRequest request = new RenderRequest(asked.chosen(), asked.sysctl(), method == GrubMethod.DROP_IN);
        Generator generator = InitrdGenerator.detect(target);
        Map<String, Desired> desired = desired(request, generator, method, old.flatMap(m -> m.entry(Target.DEFAULT_GRUB)).isPresent());

        List<Change> changes = new ArrayList<>();
        List<Entry> entries = new ArrayList<>();
        List<Backup> backups = new ArrayList<>();
        desired.forEach((path, d) -> {
            Change change = Change.write(target, path, d.content(), d.mode(), d.keepMode());
            Optional<Entry> previous = old.flatMap(m -> m.entry(path));
            Optional<Original> original = previous.isPresent() ? previous.get().original()
                    : Optional.ofNullable(change.before()).map(b -> new Original(Digests.sha256Hex(b), change.beforeMeta(),
                            Manifest.BACKUP_DIR + "/" + path));
            // A run that stopped before it wrote a backup left the original in place: back it up now.
            boolean backupDue = previous.isEmpty() || original.filter(o -> !Files.exists(target.resolve(o.backup()),
                    LinkOption.NOFOLLOW_LINKS) && Digests.sha256Hex(change.before()).equals(o.sha256())).isPresent();
            if (change.before() != null && backupDue) {
                backups.add(new Backup(path, original.orElseThrow().backup(), change.before()));
            }
            if (!change.isNoop()) {
                changes.add(change);
            }
            FileMeta meta = change.exact() != null ? change.exact() : new FileMeta(d.mode(), "?", "?");
            entries.add(new Entry(path, Digests.sha256Hex(d.content()), meta, original));
        });
        List<Entry> dropped = new ArrayList<>();
        old.ifPresent(m -> m.files().stream().filter(e -> !desired.containsKey(e.path())).forEach(e -> {
            dropped.add(e);
            Change c = e.original().isPresent()
                    ? Change.restore(target, e.path(), readBackup(e.original().get()), e.original().get().meta())
                    : Change.remove(target, e.path());
            if (!c.isNoop()) {
                changes.add(c);
            }
        }));

        boolean pending = old.map(Manifest::bootChainPending).orElse(false);
        boolean firstInstall = old.isEmpty();
        boolean initramfs = firstInstall || pending
                || changes.stream().anyMatch(c -> InitrdGenerator.affectsInitrd(c.path()));
        boolean grub = (method != GrubMethod.NONE || old.map(m -> m.grub() != GrubMethod.NONE).orElse(false))
                && (firstInstall || pending || changes.stream().anyMatch(c -> c.path().startsWith("etc/default/grub")
                        || c.path().startsWith("etc/grub.d/")));
        List<List<String>> commands = BootChain.Tools.of(target, generator).commands(initramfs, grub);
        List<Sysctl> known = old.map(Manifest::sysctl).orElse(List.of());
        List<Notice> notices = request.sysctl().stream().filter(s -> !known.contains(s))
                .flatMap(s -> s.warning().stream()).map(Notice::warn).toList();

        if (changes.isEmpty() && !pending && !firstInstall && backups.isEmpty()) {
            return new Plan(target, question, Optional.of("overlayboot is already " + (packaged ? "enabled" : "installed") + " in "
                    + target.show("") + " with these settings; nothing to change."), notices, List.of(), List.of(), Records.NONE, Closing.NONE);
        }

        // Intent first: the manifest names every directory, backup and file about to be written (and
        // the files of the old install still to be taken out) before the first of them is touched, so
        // uninstall can undo a run stopped at any point. The manifest appears with its directory.
        List<String> dirs = new ArrayList<>(old.map(Manifest::directories).orElse(List.of()));
        List<String> manifestDirs = missingDirectories(Manifest.DIR, dirs);
        List<String> planned = new ArrayList<>(manifestDirs);
        backups.forEach(b -> planned.addAll(missingDirectories(parent(b.backup()), planned)));
        desired.keySet().forEach(path -> planned.addAll(missingDirectories(parent(path), planned)));
        planned.stream().filter(d -> !dirs.contains(d)).forEach(dirs::add);
        Map<Setting, String> chosen = request.chosen();
        List<Entry> intended = new ArrayList<>(entries);
        intended.addAll(dropped);
        Records records = new Records(Optional.of(new Manifest(method, chosen, request.sysctl(), true, dirs, intended, packaged)),
                manifestDirs, planned.stream().filter(d -> !manifestDirs.contains(d)).toList(), backups,
                dropped.stream().flatMap(e -> e.original().stream()).map(Original::backup).toList(), List.of(), List.of(),
                Optional.of(new Manifest(method, chosen, request.sysctl(), true, dirs, entries, packaged)));

        List<String> notes = new ArrayList<>();
        if (method == GrubMethod.NONE && packaged) {
            notes.add("no GRUB configured: mode=" + request.value(Settings.MODE) + " in " + target.show(Packaged.CONFIG)
                    + " protects every boot");
        } else if (method == GrubMethod.NONE) {
            notes.add("no GRUB configured: add " + request.kernelParameter() + " to the kernel command line of your boot"
                    + " loader, or run 'overlayboot configure mode=tmpfs' to protect every boot");
        }
        if (changes.stream().anyMatch(c -> c.path().startsWith("etc/sysctl.d/"))) {
            notes.add("the sysctl settings apply from the next boot (or now with 'sysctl --system')");
        }
        String done = packaged
                ? "overlayboot is enabled in " + target.show("") + "; it protects the next boot ('overlayboot disable' switches it off)."
                : "overlayboot is installed in " + target.show("") + "; it protects the next boot"
                        + (method == GrubMethod.NONE ? " that has " + request.kernelParameter() : "") + ".";
        return new Plan(target, question, Optional.empty(), notices, changes, commands, records, new Closing(notes, done, List.of()));
    }

    /** A file install wants on the target. {@code keepMode}: an existing file keeps its mode (GRUB's). */
    private record Desired(byte[] content, int mode, boolean keepMode) {}

    private Map<String, Desired> desired(RenderRequest request, Generator generator, GrubMethod method, boolean grubInManifest) {
        Map<String, Desired> desired = new LinkedHashMap<>();
        for (RenderedFile f : new Renderer().render(request, generator)) {
            if (!packaged || f.path().equals(Target.DROP_IN)) { // the package carries the rest
                desired.put(f.path(), new Desired(f.content(), f.mode(), false));
            }
        }
        if (packaged) {
            packagedConfig(request).ifPresent(bytes -> desired.put(Packaged.CONFIG, new Desired(bytes, 0644, true)));
        }
        if (method == GrubMethod.EDIT) {
            byte[] current = Change.read(target.resolve(Target.DEFAULT_GRUB));
            String text = current == null ? "" : new String(current, StandardCharsets.UTF_8);
            String edited;
            try {
                edited = GrubEditor.add(GrubEditor.remove(text, "overlayboot"), request.kernelParameter());
            } catch (GrubParseException e) {
                throw OverlaybootException.badInput(target.show(Target.DEFAULT_GRUB) + " cannot be parsed safely: " + e.getMessage(),
                        "fix that line, or install with --no-grub and add " + request.kernelParameter() + " to the kernel command line yourself");
            }
            if (!edited.equals(text) || current == null || grubInManifest) {
                desired.put(Target.DEFAULT_GRUB, new Desired(edited.getBytes(StandardCharsets.UTF_8), 0644, true));
            }
        }
        return desired;
    }

    /**
     * The package's config with the chosen settings set in it, edited from what it held before the
     * first {@code enable} (so settings left out now fall back); empty when that changes nothing.
     */
    private Optional<byte[]> packagedConfig(RenderRequest request) {
        Optional<Entry> previous = old.flatMap(m -> m.entry(Packaged.CONFIG));
        byte[] base = previous.isPresent()
                ? previous.get().original().map(this::readBackup).orElse(new byte[0])
                : Change.read(target.resolve(Packaged.CONFIG));
        String text = base == null ? "" : new String(base, StandardCharsets.UTF_8);
        String edited = Packaged.setAll(text, request.chosen());
        return edited.equals(text) ? Optional.empty() : Optional.of(edited.getBytes(StandardCharsets.UTF_8));
    }

    private byte[] readBackup(Original o) {
        byte[] bytes = Change.read(target.resolve(o.backup()));
        if (bytes == null || !Digests.sha256Hex(bytes).equals(o.sha256())) {
            throw OverlaybootException.badInput("The backup " + target.show(o.backup()) + " is missing or damaged (hash differs)",
                    "restore it from a system backup before changing this install");
        }
        return bytes;
    }

    /** The directories of {@code relative} and its parents that do not exist yet and are not in {@code planned}, parents first. */
    private List<String> missingDirectories(String relative, List<String> planned) {
        List<String> missing = new ArrayList<>();
        for (String dir = relative; !dir.isEmpty() && !planned.contains(dir) && !Files.isDirectory(target.resolve(dir)); dir = parent(dir)) {
            missing.addFirst(dir);
        }
        return missing;
    }

    static String parent(String relative) {
        int slash = relative.lastIndexOf('/');
        return slash < 0 ? "" : relative.substring(0, slash);
    }
}

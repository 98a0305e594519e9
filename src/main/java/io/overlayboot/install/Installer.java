package io.overlayboot.install;

import io.overlayboot.files.Digests;
import io.overlayboot.core.ExitCode;
import io.overlayboot.core.OverlaybootException;
import io.overlayboot.files.AtomicFiles;
import io.overlayboot.files.FileMeta;
import io.overlayboot.files.RunLock;
import io.overlayboot.files.Trees;
import io.overlayboot.install.Manifest.Entry;
import io.overlayboot.install.Manifest.GrubMethod;
import io.overlayboot.install.Manifest.Original;
import io.overlayboot.render.RenderRequest;
import io.overlayboot.render.RenderedFile;
import io.overlayboot.render.Renderer;
import io.overlayboot.render.Sysctl;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Lays the rendered files into a target root and brings its boot chain up to date; also the engine
 * of {@code configure}, which is an install with changed options on an installed target.
 *
 * <p>Order of work, so that a crash at any point leaves a target uninstall can clean up: first the
 * manifest naming everything about to be written (it appears atomically, with its directory), then
 * the directories, the backups of replaced files, the files (each atomically), then the manifest
 * again with what was written, then the boot chain, then the manifest with the boot chain marked done.
 * Every path goes through {@link Target#resolve}, which refuses links leading out of the root.
 * Running it twice with the same options changes nothing the second time.
 */
public final class Installer {
    private final RunContext ctx;
    private final Target target;
    private final Checkpoint checkpoint;

    public Installer(RunContext ctx) {
        this(ctx, step -> {});
    }

    /** With {@code checkpoint} told before every write, so tests can stop the run there as a crash would. */
    Installer(RunContext ctx, Checkpoint checkpoint) {
        this.ctx = ctx;
        this.target = ctx.target();
        this.checkpoint = checkpoint;
    }

    /** Told before each step that changes the target. */
    @FunctionalInterface
    interface Checkpoint {
        void reached(String step);
    }

    /** Installs (or re-installs with these options). {@code request.grub()} false means {@code --no-grub}. */
    public Result install(RenderRequest request) {
        try (RunLock lock = ctx.lock()) {
            Optional<Manifest> old = Manifest.load(target.root());
            target.check(ctx.force(), old.isPresent());
            if (old.isEmpty() && !ctx.dryRun()) {
                removeLeftovers(target, ctx.reporter());
            }
            GrubMethod method = request.grub() ? target.grubMethod() : GrubMethod.NONE;
            return apply(old, request, method, "Install overlayboot");
        } catch (IOException e) {
            throw new OverlaybootException(ExitCode.ENVIRONMENT, "Cannot release the lock: " + e.getMessage(), null, e);
        }
    }

    /**
     * Changes settings of an installed target: {@code changes} maps setting names to new values (an
     * empty value goes back to the default); {@code sysctl} maps sysctl keys to new values (empty: drop it).
     */
    public Result configure(Map<String, String> changes, Map<String, String> sysctl) {
        try (RunLock lock = ctx.lock()) {
            Manifest old = Manifest.load(target.root()).orElseThrow(() -> OverlaybootException.environment(
                    "overlayboot is not installed in " + target.show("") + " (no " + Manifest.PATH + ")",
                    "run 'overlayboot install' first"));
            target.check(true, true);
            Map<String, String> chosen = new LinkedHashMap<>(old.chosen());
            changes.forEach((k, v) -> {
                if (v.isEmpty()) {
                    chosen.remove(k);
                } else {
                    chosen.put(k, v);
                }
            });
            if ("tmpfs".equals(chosen.get("mode"))) {
                chosen.remove("dev");
            }
            Map<String, String> merged = new LinkedHashMap<>();
            old.sysctl().forEach(s -> merged.put(s.substring(0, s.indexOf('=')), s.substring(s.indexOf('=') + 1)));
            sysctl.forEach((k, v) -> {
                if (v.isEmpty()) {
                    merged.remove(k);
                } else {
                    merged.put(k, v);
                }
            });
            List<String> sysctls = merged.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList();
            RenderRequest request = new RenderRequest(chosen, sysctls.stream().map(Sysctl::parse).toList(),
                    old.grub() == GrubMethod.DROP_IN);
            return apply(Optional.of(old), request, old.grub(), "Change the settings of overlayboot");
        } catch (IOException e) {
            throw new OverlaybootException(ExitCode.ENVIRONMENT, "Cannot release the lock: " + e.getMessage(), null, e);
        }
    }

    private Result apply(Optional<Manifest> old, RenderRequest asked, GrubMethod method, String question) {
        RenderRequest request = new RenderRequest(asked.chosen(), asked.sysctl(), method == GrubMethod.DROP_IN);
        Map<String, Desired> desired = desired(request, method,
                old.flatMap(m -> m.entry(Target.DEFAULT_GRUB)).isPresent());

        List<Change> changes = new ArrayList<>();
        List<Entry> entries = new ArrayList<>();
        List<String> backups = new ArrayList<>();
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
                backups.add(path);
            }
            if (!change.isNoop()) {
                changes.add(change);
            }
            FileMeta meta = change.exact() != null ? change.exact() : new FileMeta(d.mode(), "?", "?");
            entries.add(new Entry(path, Digests.sha256Hex(d.content()), meta, original));
        });
        List<String> dropped = new ArrayList<>();
        old.ifPresent(m -> m.files().stream().filter(e -> !desired.containsKey(e.path())).forEach(e -> {
            dropped.add(e.path());
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
                && (firstInstall || pending || changes.stream().anyMatch(c -> c.path().startsWith("etc/default/grub")));
        List<List<String>> commands = BootChain.commands(target, initramfs, grub);
        List<String> shown = commands.stream().map(c -> BootChain.show(target, c)).toList();
        List<String> summary = changes.stream().map(c -> c.verb() + " " + c.path()).toList();
        List<String> known = old.map(Manifest::sysctl).orElse(List.of());
        request.sysctl().stream().filter(Sysctl::weakensSecurity).filter(s -> !known.contains(s.key() + "=" + s.value()))
                .forEach(s -> ctx.reporter().warn("sysctl " + s.key() + "=" + s.value()
                        + " weakens a kernel protection; keep it only if you need it"));

        if (changes.isEmpty() && !pending && !firstInstall && backups.isEmpty()) {
            ctx.reporter().line("overlayboot is already installed in " + target.show("") + " with these settings; nothing to change.");
            return new Result(ctx.dryRun(), List.of(), List.of(), "none");
        }
        if (!ctx.showAndConfirm(question, changes, shown)) {
            return new Result(true, summary, shown, "would-run");
        }

        // Intent first: the manifest names every directory, backup and file about to be written (and
        // the files of the old install still to be taken out) before the first of them is touched, so
        // uninstall can undo a run stopped at any point. The manifest appears with its directory.
        List<String> dirs = new ArrayList<>(old.map(Manifest::directories).orElse(List.of()));
        List<String> manifestDirs = missingDirectories(Manifest.DIR, dirs);
        List<String> planned = new ArrayList<>(manifestDirs);
        backups.forEach(path -> planned.addAll(missingDirectories(parent(Manifest.BACKUP_DIR + "/" + path), planned)));
        desired.keySet().forEach(path -> planned.addAll(missingDirectories(parent(path), planned)));
        planned.stream().filter(d -> !dirs.contains(d)).forEach(dirs::add);
        List<String> sysctls = request.sysctl().stream().map(s -> s.key() + "=" + s.value()).toList();
        List<Entry> intended = new ArrayList<>(entries);
        dropped.forEach(path -> intended.add(old.get().entry(path).orElseThrow()));
        Manifest manifest = new Manifest(method, request.chosen(), sysctls, true, dirs, intended);
        storeFirst(manifest, manifestDirs);
        planned.stream().filter(d -> !manifestDirs.contains(d)).forEach(this::makeDirectory);
        for (String path : backups) {
            Original o = entries.stream().filter(e -> e.path().equals(path)).findFirst().orElseThrow().original().orElseThrow();
            Change c = changes.stream().filter(ch -> ch.path().equals(path)).findFirst().orElse(null);
            byte[] bytes = c != null ? c.before() : Change.read(target.resolve(path));
            write(o.backup(), bytes);
        }
        for (Change c : changes) {
            checkpoint.reached(c.verb() + " " + c.path());
            c.apply(target);
        }
        for (String path : dropped) {
            old.get().entry(path).flatMap(Entry::original).ifPresent(o -> delete(o.backup()));
        }
        manifest = new Manifest(method, manifest.chosen(), manifest.sysctl(), true, dirs,
                entries.stream().map(e -> new Entry(e.path(), e.sha256(), Change.meta(target.resolve(e.path())), e.original())).toList());
        store(manifest);
        changes.forEach(c -> ctx.reporter().line(c.verb() + " " + target.show(c.path())));
        if (method == GrubMethod.NONE) {
            ctx.reporter().note("no GRUB configured: add " + request.kernelParameter() + " to the kernel command line of your boot"
                    + " loader, or run 'overlayboot configure mode=tmpfs' to protect every boot");
        }
        if (changes.stream().anyMatch(c -> c.path().startsWith("etc/sysctl.d/"))) {
            ctx.reporter().note("the sysctl settings apply from the next boot (or now with 'sysctl --system')");
        }
        boolean ran = new BootChain(target, ctx.reporter()).run(commands);
        if (ran) {
            store(manifest.withBootChainPending(false));
            ctx.reporter().line("overlayboot is installed in " + target.show("") + "; it protects the next boot"
                    + (method == GrubMethod.NONE ? " that has " + request.kernelParameter() : "") + ".");
        }
        return new Result(false, summary, shown, commands.isEmpty() ? "none" : ran ? "ran" : "printed");
    }

    /** A file install wants on the target. {@code keepMode}: an existing file keeps its mode (GRUB's). */
    private record Desired(byte[] content, int mode, boolean keepMode) {}

    private Map<String, Desired> desired(RenderRequest request, GrubMethod method, boolean grubInManifest) {
        Map<String, Desired> desired = new LinkedHashMap<>();
        for (RenderedFile f : new Renderer().render(request, InitrdGenerator.detect(target))) {
            desired.put(f.path(), new Desired(f.content(), f.mode(), false));
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

    private void makeDirectory(String relative) {
        checkpoint.reached("create " + relative + "/");
        Path dir = target.resolve(relative);
        if (Files.isDirectory(dir)) {
            return;
        }
        try {
            Files.createDirectory(dir);
            Files.setPosixFilePermissions(dir, FileMeta.permissionsOf(0755));
        } catch (IOException e) {
            throw new OverlaybootException(ExitCode.ENVIRONMENT, "Cannot create " + target.show(relative) + ": " + e.getMessage(),
                    "check that the target is writable", e);
        }
    }

    /**
     * Writes the first manifest of this run; when its directory ({@code missing}, parents first) is
     * not there yet, the directory appears together with the manifest in it.
     */
    private void storeFirst(Manifest manifest, List<String> missing) {
        if (missing.isEmpty()) {
            store(manifest);
            return;
        }
        checkpoint.reached("create " + missing.getFirst() + "/ with " + Manifest.PATH);
        String top = missing.getFirst();
        try {
            AtomicFiles.createDirectoryWith(target.resolve(top), Manifest.PATH.substring(top.length() + 1),
                    manifest.toJson().getBytes(StandardCharsets.UTF_8), FileMeta.permissionsOf(0755), FileMeta.permissionsOf(0644));
        } catch (IOException e) {
            throw new OverlaybootException(ExitCode.ENVIRONMENT, "Cannot write " + target.show(Manifest.PATH) + ": " + e.getMessage(),
                    "check that the target is writable and has free space; nothing was changed", e);
        }
    }

    /**
     * Removes what a run stopped before its first manifest left: the directory it was building the
     * manifest in (see {@link AtomicFiles#createDirectoryWith}). Only for a target without a manifest.
     */
    static void removeLeftovers(Target target, Reporter reporter) {
        for (String dir = Manifest.DIR; !dir.isEmpty(); dir = parent(dir)) {
            Path stage = AtomicFiles.stagingName(target.resolve(dir));
            if (Files.exists(stage, LinkOption.NOFOLLOW_LINKS)) {
                try {
                    Trees.delete(stage);
                } catch (IOException e) {
                    throw new OverlaybootException(ExitCode.ENVIRONMENT, "Cannot remove " + stage + ", left by an interrupted install: "
                            + e.getMessage(), "remove it by hand", e);
                }
                reporter.note("removed " + stage + ", left by an interrupted install");
            }
        }
    }

    private void write(String relative, byte[] bytes) {
        checkpoint.reached("write " + relative);
        try {
            AtomicFiles.write(target.resolve(relative), bytes, FileMeta.permissionsOf(0600));
        } catch (IOException e) {
            throw new OverlaybootException(ExitCode.ENVIRONMENT, "Cannot write " + target.show(relative) + ": " + e.getMessage(),
                    "check that the target is writable", e);
        }
    }

    private void delete(String relative) {
        checkpoint.reached("remove " + relative);
        try {
            AtomicFiles.delete(target.resolve(relative));
        } catch (IOException e) {
            throw new OverlaybootException(ExitCode.ENVIRONMENT, "Cannot remove " + target.show(relative) + ": " + e.getMessage(), null, e);
        }
    }

    private void store(Manifest manifest) {
        checkpoint.reached("write " + Manifest.PATH);
        try {
            manifest.store(target.root());
        } catch (IOException e) {
            throw new OverlaybootException(ExitCode.ENVIRONMENT, "Cannot write " + target.show(Manifest.PATH) + ": " + e.getMessage(),
                    "check that the target is writable", e);
        }
    }

    static String parent(String relative) {
        int slash = relative.lastIndexOf('/');
        return slash < 0 ? "" : relative.substring(0, slash);
    }
}

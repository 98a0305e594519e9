package io.overlayboot.helper;

import io.overlayboot.settings.Persist;
import io.overlayboot.settings.Settings;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * The persist step of the helper, as the boot script's {@code ob_persist} (templates/lib/persist.ftl),
 * with the same messages: mount the persistent side (the store device, or a read-write bind of the
 * root filesystem) at {@link #SIDE}, bind each persisted path from it over the union at the same
 * path, unmount the side. A path that cannot be set up is warned about by name and stays volatile;
 * the step never fails the boot.
 */
final class Persisting {
    /** Where the persistent side is mounted in the initramfs while the binds are made. */
    static final String SIDE = "/overlayboot-persist";
    static final long MS_REMOUNT = 32L;
    static final long MS_BIND = 4096L;
    private static final Pattern SAFE_NAME = Pattern.compile("[A-Za-z0-9._@-]+");
    private static final LinkOption NOFOLLOW = LinkOption.NOFOLLOW_LINKS;
    /** The suffix of a copy to the store while it is made. */
    static final String NEW = ".ob-new";

    private final BootPlan plan;
    private final MountOps ops;
    private final MountTable mounts;
    /** The mounts carried into the union (such as a separate /usr), as the system will see them. */
    private List<String> carried = List.of();
    private final Console console;
    private final Consumer<String> warn;
    private final String stage;
    private final Deque<String> binds = new ArrayDeque<>();
    private final List<String> persisted = new ArrayList<>();
    private final List<String> failed = new ArrayList<>();
    private boolean sideMounted;
    private boolean rootWritable;

    Persisting(BootPlan plan, MountOps ops, MountTable mounts, Console console, Consumer<String> warn, String stage) {
        this.plan = plan;
        this.mounts = mounts;
        this.ops = ops;
        this.console = console;
        this.warn = warn;
        this.stage = stage;
    }

    List<String> persisted() {
        return List.copyOf(persisted);
    }

    List<String> failed() {
        return List.copyOf(failed);
    }

    void run() {
        String value = plan.get(Settings.PERSIST);
        // read before this step binds anything: its own binds are not carried mounts
        carried = mounts.below(stage).stream()
                .filter(m -> !List.of(stage + "/ro", stage + "/rw").contains(m)
                        && !m.startsWith(stage + "/ro/") && !m.startsWith(stage + "/rw/"))
                .map(m -> m.substring(stage.length())).toList();
        Optional<String> why = mountSide();
        if (why.isPresent()) {
            warn.accept(why.get() + ": the persisted paths (" + value + ") stay volatile this boot");
            failed.addAll(Persist.entries(value));
            return;
        }
        for (Persist.Target target : Persist.expand(value)) {
            String type = target.type() == Persist.Type.FILE ? "file" : "dir";
            if (target.glob()) {
                glob(type, target.mode(), target.path());
            } else {
                path(type, target.mode(), target.path());
            }
        }
        try {
            ops.umount(SIDE);
            sideMounted = false;
        } catch (SyscallException e) {
            console.debug(e.getMessage());
        }
        if (persisted.isEmpty() && rootWritable && remountRootReadOnly()) {
            rootWritable = false;
        }
    }

    /** Mounts the persistent side at {@link #SIDE}; the reason when it cannot. */
    private Optional<String> mountSide() {
        try {
            ops.mkdirs(SIDE);
        } catch (IOException e) {
            return Optional.of("cannot create " + SIDE + " in the initramfs");
        }
        String store = plan.get(Settings.STORE);
        if (!store.isEmpty()) {
            return mountStore(store);
        }
        try {
            ops.mount(stage + BootPlan.RO, SIDE, null, MS_BIND, null);
        } catch (SyscallException e) {
            console.debug(e.getMessage());
            return Optional.of("cannot bind the root filesystem at " + SIDE);
        }
        try {
            ops.mount(null, SIDE, null, MS_REMOUNT, null);
        } catch (SyscallException e) {
            console.debug(e.getMessage());
            try {
                ops.umount(SIDE);
            } catch (SyscallException again) {
                console.debug(again.getMessage());
            }
            return Optional.of("cannot make the root filesystem writable (mount -o remount,rw)");
        }
        sideMounted = true;
        rootWritable = true;
        return Optional.empty();
    }

    private Optional<String> mountStore(String store) {
        int timeout = Integer.parseInt(plan.get(Settings.TIMEOUT));
        Optional<Path> node = DeviceLookup.find(store);
        if (node.isEmpty() && timeout > 0) {
            try {
                node = DeviceLookup.await(store, timeout);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (node.isEmpty()) {
            return Optional.of("store device " + store + " not found after " + timeout + " s");
        }
        String type = DeviceLookup.fstypeOf(node.get()).orElse("");
        if (type.isEmpty()) {
            return Optional.of("cannot tell the filesystem type of store device " + store + " (" + node.get() + ")");
        }
        try {
            ops.mount(node.get().toString(), SIDE, type, 0, null);
        } catch (SyscallException e) {
            console.debug(e.getMessage());
            return Optional.of("cannot mount store device " + store + " (" + node.get() + ") as " + type);
        }
        sideMounted = true;
        return Optional.empty();
    }

    /** Each path the pattern's last component matches, on the persistent side and on the root filesystem. */
    private void glob(String type, String mode, String pattern) {
        int slash = pattern.lastIndexOf('/');
        String dir = pattern.substring(0, slash);
        String glob = pattern.substring(slash + 1);
        if (!safe(SIDE, dir) || !safe(stage + BootPlan.RO, dir)) {
            failed(pattern, "a component of " + dir + " is a symbolic link");
            return;
        }
        // each name is checked as it is found; one on both sides is taken once, from the store
        List<String> names = new ArrayList<>();
        boolean any = false;
        for (String side : List.of(SIDE, stage + BootPlan.RO)) {
            TreeSet<String> found = new TreeSet<>();
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(Path.of(side + dir), glob)) {
                entries.forEach(p -> found.add(p.getFileName().toString()));
            } catch (IOException e) {
                // no such directory: nothing matches, as the shell's glob
            }
            for (String name : found) {
                if (name.endsWith(NEW) || !side.equals(SIDE) && Files.exists(Path.of(SIDE + dir, name), NOFOLLOW)) {
                    continue; // an unfinished copy (copy()), not a match; or the store's, taken already
                }
                any = true;
                if (!SAFE_NAME.matcher(name).matches()) {
                    failed(dir + "/" + name, "its name has a character outside A-Z a-z 0-9 . _ @ -");
                    continue;
                }
                names.add(name);
            }
        }
        if (!any) {
            console.say("nothing on the root filesystem matches " + pattern + " yet; nothing of it is persisted this boot");
            return;
        }
        for (String name : names) {
            path(type, mode, dir + "/" + name);
        }
    }

    /** Binds the persistent {@code path} over the union's. */
    private void path(String type, String mode, String path) {
        // the persistent side holds only the root filesystem: a bind would cover a carried mount's
        // content with the root filesystem's (empty) directory
        Optional<String> mount = carried.stream()
                .filter(m -> (path + "/").startsWith(m + "/") || (m + "/").startsWith(path + "/")).findFirst();
        if (mount.isPresent()) {
            failed(path, mount.get() + " is a filesystem of its own, not the root filesystem");
            return;
        }
        if (!safe(SIDE, path) || !safe(stage, path)) {
            failed(path, "a component of it is a symbolic link");
            return;
        }
        Path source = Path.of(SIDE + path);
        Path target = Path.of(stage + path);
        Path lower = Path.of(stage + BootPlan.RO + path);
        if (!Files.exists(source, NOFOLLOW)) {
            if (!plan.get(Settings.STORE).isEmpty() && Files.exists(lower, NOFOLLOW) && safe(stage + BootPlan.RO, path)) {
                if (!copy(lower, source, path)) {
                    return;
                }
            } else if (!create(type, mode, source)) {
                failed(path, "cannot create it on the persistent side");
                return;
            }
        }
        String kind;
        if (Files.isDirectory(source, NOFOLLOW)) {
            kind = "dir";
        } else if (Files.isRegularFile(source, NOFOLLOW)) {
            kind = "file";
        } else {
            failed(path, "it is neither a file nor a directory");
            return;
        }
        if (!Files.exists(target) && !create(kind, "0755", target)) {
            failed(path, "cannot create it in the union to mount over");
            return;
        }
        if (kind.equals("dir") ? !Files.isDirectory(target) : !Files.isRegularFile(target)) {
            failed(path, "it is a " + kind + " on the persistent side and not in the union");
            return;
        }
        try {
            ops.mount(source.toString(), target.toString(), null, MS_BIND, null);
        } catch (SyscallException e) {
            console.debug(e.getMessage());
            failed(path, "the bind mount failed");
            return;
        }
        binds.push(target.toString());
        persisted.add(path);
        console.debug("persisted " + path);
    }

    /** False when a component of root/path, up to the first missing one, is a symbolic link. */
    static boolean safe(String root, String path) {
        Path at = Path.of(root);
        for (String component : path.substring(1).split("/")) {
            at = at.resolve(component);
            if (Files.isSymbolicLink(at)) {
                return false;
            }
            if (!Files.exists(at, NOFOLLOW)) {
                return true;
            }
        }
        return true;
    }

    /** An empty file or directory with {@code mode} (a file's without x bits, as the script's umask), parents 0755. */
    private static boolean create(String type, String mode, Path path) {
        try {
            Files.createDirectories(path.getParent());
            int bits = Integer.parseInt(mode, 8);
            if (type.equals("file")) {
                Files.createFile(path);
                bits &= 0666;
            } else {
                Files.createDirectory(path);
            }
            Files.setAttribute(path, "unix:mode", bits, NOFOLLOW);
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /**
     * Copies the root filesystem's {@code path} to the store as {@code PATH.ob-new}, renamed to
     * {@code source} once complete, as the script's {@code ob_persist_copy}: a copy cut short is
     * never taken for the whole. An {@code .ob-new} already there was left by a boot that stopped
     * during the copy: it is removed and the copy made again. False (and warned) when it failed.
     */
    private boolean copy(Path lower, Path source, String path) {
        Path fresh = source.resolveSibling(source.getFileName() + NEW);
        if (Files.exists(fresh, NOFOLLOW)) {
            console.say("removing " + path + NEW + " from the store: an earlier boot stopped while copying " + path + " there");
            try {
                deleteTree(fresh);
            } catch (IOException | RuntimeException e) {
                console.debug("delete: " + e);
                failed(path, "cannot remove the unfinished copy " + path + NEW + " from the store");
                return false;
            }
        }
        try {
            Files.createDirectories(source.getParent());
            copyTree(lower, fresh);
            Files.move(fresh, source, StandardCopyOption.ATOMIC_MOVE);
            return true;
        } catch (IOException | RuntimeException e) {
            console.debug("copy: " + e);
            try {
                deleteTree(fresh);
            } catch (IOException | RuntimeException again) {
                console.debug("delete: " + again);
            }
            failed(path, "cannot copy it from the root filesystem to the store");
            return false;
        }
    }

    /** {@code rm -rf}: symbolic links removed, never followed. */
    private static void deleteTree(Path top) throws IOException {
        if (!Files.exists(top, NOFOLLOW)) {
            return;
        }
        Files.walkFileTree(top, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                if (e != null) {
                    throw e;
                }
                Files.delete(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /** {@code cp -a}: the tree with its types, modes, owners and times, symbolic links as links. */
    private static void copyTree(Path from, Path to) throws IOException {
        Files.walkFileTree(from, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                Files.copy(dir, to.resolve(from.relativize(dir).toString()), StandardCopyOption.COPY_ATTRIBUTES, NOFOLLOW);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.copy(file, to.resolve(from.relativize(file).toString()), StandardCopyOption.COPY_ATTRIBUTES, NOFOLLOW);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    private void failed(String path, String why) {
        warn.accept("cannot persist " + path + ": " + why + "; it stays volatile this boot");
        failed.add(path);
    }

    private boolean remountRootReadOnly() {
        try {
            ops.mount(null, stage + BootPlan.RO, null, MS_REMOUNT | Syscalls.MS_RDONLY, null);
            return true;
        } catch (SyscallException e) {
            console.debug(e.getMessage());
            return false;
        }
    }

    /** The undo: the binds newest first, the persistent side, the root filesystem read-only again. */
    void undo() {
        while (!binds.isEmpty()) {
            String target = binds.pop();
            try {
                ops.umount(target);
            } catch (SyscallException e) {
                console.debug(e.getMessage());
            }
        }
        if (sideMounted) {
            try {
                ops.umount(SIDE);
            } catch (SyscallException e) {
                console.debug(e.getMessage());
            }
            sideMounted = false;
        }
        if (rootWritable) {
            remountRootReadOnly();
            rootWritable = false;
        }
        persisted.clear();
    }
}

package io.overlayboot.helper;

import io.overlayboot.settings.Settings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;

/**
 * The boot itself, as a list of steps, in the order and with the messages of the boot library's
 * {@code ob_steps}: pick the union driver, mount the upper at /rw, make upper/ and work/, move
 * the root to /ro, mount the union at /overlayboot, carry the mounts under the root over, move /ro
 * and /rw under it, rewrite its fstab, move it to {@code $rootmnt}. Every step that changes
 * something pushes its undo; when a step fails the undos run newest first, so the root is back
 * exactly as found, and {@code onerror=} decides what the boot does next.
 */
final class Boot {
    /** How a boot ended; {@link HelperMain} turns it into the exit code the script reads. */
    enum Outcome { PROTECTED, NOTHING_TO_DO, BOOTED_UNPROTECTED, PANIC }

    private final BootPlan plan;
    private final Console console;
    private final BootPaths paths;
    private final MountTable mounts;
    private final MountOps ops;
    private final Deque<Undo> undos = new ArrayDeque<>();
    private final List<String> warnings = new ArrayList<>();
    private String base;
    private String upper;
    private String work;
    private String fs = "";
    private String upperDescription = "";
    private final Persisting persisting;

    Boot(BootPlan plan, Console console, BootPaths paths) {
        this(plan, console, paths, MountOps.SYSTEM);
    }

    /** A boot whose mount calls go to {@code ops} (tests pass a recording fake). */
    Boot(BootPlan plan, Console console, BootPaths paths, MountOps ops) {
        this.ops = ops;
        this.plan = plan;
        this.console = console;
        this.paths = paths;
        this.mounts = new MountTable(paths.mounts());
        this.base = plan.base();
        this.upper = plan.upper();
        this.work = plan.work();
        plan.resolution().warnings().forEach(warnings::add);
        this.persisting = new Persisting(plan, ops, mounts, console, this::warn, BootPlan.UNION);
    }

    /** A step that failed: its message says why, as the script's {@code OB_WHY}. */
    static final class StepFailure extends Exception {
        private static final long serialVersionUID = 1L;

        StepFailure(String why) {
            super(why);
        }
    }

    @FunctionalInterface
    private interface Undo {
        void run() throws Exception;
    }

    @FunctionalInterface
    private interface Call {
        void run() throws SyscallException;
    }

    Outcome run() {
        String root = plan.rootmnt();
        Optional<String> rootfs = mounts.typeAt(root);
        if (rootfs.isEmpty()) {
            console.say("nothing is mounted at " + root + ", nothing to protect");
            return Outcome.NOTHING_TO_DO;
        }
        if (rootfs.get().equals("overlay") || rootfs.get().equals("aufs")) {
            console.say("the root is already a union (" + rootfs.get() + "), nothing to do");
            return Outcome.NOTHING_TO_DO;
        }
        try {
            protect();
        } catch (StepFailure failure) {
            undoAll();
            return applyPolicy(failure.getMessage());
        } catch (RuntimeException | Error bug) {
            undoAll();
            throw bug;
        }
        console.say("root is protected: " + fs + " of the read-only root (at /ro) and " + upperDescription
                + " (at /rw); writes are lost at reboot");
        record("protected", "protected: writes go to " + upperDescription);
        return Outcome.PROTECTED;
    }

    private void protect() throws StepFailure {
        pickDriver();
        mkdirs("cannot create /rw, /ro and " + BootPlan.UNION + " in the initramfs",
                BootPlan.RW, BootPlan.RO, BootPlan.UNION);
        if (plan.deviceMode()) {
            try {
                mountDevice();
            } catch (StepFailure missing) {
                if (!plan.get(Settings.FALLBACK).equals("tmpfs")) {
                    throw missing;
                }
                warn(missing.getMessage() + ", using tmpfs");
                mountTmpfs();
            }
        } else {
            mountTmpfs();
        }
        undos.push(() -> ops.umount(BootPlan.RW));
        mkdirs("cannot create " + upper + " and " + work + " on the upper layer", upper, work);
        step("move " + plan.rootmnt() + " " + BootPlan.RO);
        call("cannot move the root " + plan.rootmnt() + " to /ro", () -> ops.move(plan.rootmnt(), BootPlan.RO));
        undos.push(() -> ops.move(BootPlan.RO, plan.rootmnt()));
        String options = fs.equals("overlay")
                ? "lowerdir=/ro,upperdir=" + upper + ",workdir=" + work
                : "dirs=" + upper + "=rw:/ro=ro";
        step("union " + fs + " " + options);
        call("the kernel refused the " + fs + " mount (" + options + ")",
                () -> ops.mount("overlayboot", BootPlan.UNION, fs, 0, options));
        undos.push(() -> ops.umount(BootPlan.UNION));
        if (!moveSubmounts(BootPlan.RO, BootPlan.UNION)) {
            throw new StepFailure("cannot carry the mounts under the root (such as /dev) over to the union");
        }
        undos.push(() -> moveSubmounts(BootPlan.UNION, BootPlan.RO));
        try {
            ops.mkdirs(BootPlan.UNION + BootPlan.RO);
            ops.mkdirs(BootPlan.UNION + BootPlan.RW);
        } catch (IOException e) {
            // as the script: the move below reports it
        }
        moveInto(BootPlan.RO);
        moveInto(BootPlan.RW);
        if (plan.persistStep().isPresent()) {
            step(plan.persistStep().get());
            undos.push(persisting::undo);
            persisting.run();
        }
        step("fstab swap=" + plan.get(Settings.SWAP) + " recurse=" + plan.get(Settings.RECURSE));
        if (!writeFstab()) {
            warn("cannot rewrite /etc/fstab of the protected root; it still lists the root line");
        }
        step("move " + BootPlan.UNION + " " + plan.rootmnt());
        call("cannot move the union to " + plan.rootmnt(), () -> ops.move(BootPlan.UNION, plan.rootmnt()));
    }

    private void pickDriver() throws StepFailure {
        String driver = plan.get(Settings.DRIVER);
        for (String candidate : List.of("overlay", "aufs")) {
            if (!driver.equals("auto") && !driver.equals(candidate)) {
                continue;
            }
            if (!ops.kernelHas(candidate)) {
                ops.modprobe(candidate);
            }
            if (ops.kernelHas(candidate)) {
                fs = candidate;
                return;
            }
        }
        throw new StepFailure(driver.equals("auto")
                ? "neither overlay nor aufs is available in this kernel (modprobe overlay failed)"
                : "driver=" + driver + " is not available in this kernel (modprobe " + driver + " failed)");
    }

    private void mountDevice() throws StepFailure {
        String spec = plan.get(Settings.DEV);
        if (spec.isEmpty()) {
            throw new StepFailure("no upper device named (dev= is empty)");
        }
        int timeout = Integer.parseInt(plan.get(Settings.TIMEOUT));
        Optional<Path> node = DeviceLookup.find(spec);
        if (node.isEmpty() && timeout > 0) {
            console.say("waiting up to " + timeout + " s for upper device " + spec);
            try {
                node = DeviceLookup.await(spec, timeout);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (node.isEmpty()) {
            throw new StepFailure("upper device " + spec + " not found after " + timeout + " s");
        }
        String type = plan.get(Settings.FSTYPE);
        if (type.equals("auto")) {
            type = DeviceLookup.fstypeOf(node.get()).orElse("");
        }
        if (type.isEmpty()) {
            throw new StepFailure("cannot tell the filesystem type of upper device " + spec + " (" + node.get() + ")");
        }
        step("upper device " + node.get() + " type " + type);
        try {
            ops.mount(node.get().toString(), BootPlan.RW, type, 0, null);
        } catch (SyscallException e) {
            debug("mount: " + e.getMessage());
            throw new StepFailure("cannot mount upper device " + spec + " (" + node.get() + ") as " + type);
        }
        upperDescription = spec + " (" + node.get() + ", " + type + ")";
    }

    private void mountTmpfs() throws StepFailure {
        String size = plan.get(Settings.SIZE);
        step("upper tmpfs size=" + size);
        try {
            ops.mount("overlayboot-rw", BootPlan.RW, "tmpfs", 0, "size=" + size + ",mode=0755");
        } catch (SyscallException e) {
            debug("mount: " + e.getMessage());
            throw new StepFailure("cannot mount a tmpfs of size " + size + " at /rw");
        }
        upperDescription = "tmpfs (size " + size + ")";
        base = BootPlan.RW;
        upper = BootPlan.RW + "/upper";
        work = BootPlan.RW + "/work";
    }

    private void moveInto(String dir) throws StepFailure {
        step("move " + dir + " " + BootPlan.UNION + dir);
        call("cannot move " + dir + " into the union", () -> ops.move(dir, BootPlan.UNION + dir));
        undos.push(() -> ops.move(BootPlan.UNION + dir, dir));
    }

    /**
     * Mounts that sat on the old root (initramfs-tools' udev moves /dev there when it runs first)
     * move with it, from FROM/x to TO/x, as the script's {@code ob_move_submounts}.
     */
    private boolean moveSubmounts(String from, String to) {
        for (String mountPoint : mounts.below(from)) {
            if (mountPoint.equals(from + "/ro") || mountPoint.startsWith(from + "/ro/")
                    || mountPoint.equals(from + "/rw") || mountPoint.startsWith(from + "/rw/")) {
                continue;
            }
            Optional<String> type = mounts.typeAt(mountPoint);
            if (type.isEmpty()) {
                continue;
            }
            debug("carrying " + mountPoint + " (" + type.get() + ") over");
            String target = to + mountPoint.substring(from.length());
            try {
                ops.mkdirs(target);
            } catch (IOException e) {
                // the move reports it
            }
            try {
                ops.move(mountPoint, target);
            } catch (SyscallException e) {
                debug(e.getMessage());
                return false;
            }
        }
        return true;
    }

    private boolean writeFstab() {
        Path in = Path.of(BootPlan.UNION, "ro", "etc", "fstab");
        Path out = Path.of(BootPlan.UNION, "etc", "fstab");
        if (!Files.isReadable(in)) {
            return true;
        }
        try {
            Fstab.Rewrite rewrite = Fstab.rewrite(Files.readString(in, StandardCharsets.UTF_8), plan.flag(Settings.SWAP),
                    plan.flag(Settings.RECURSE) && fs.equals("overlay"), base);
            for (String dir : rewrite.directories()) {
                Files.createDirectories(Path.of(BootPlan.UNION, dir));
            }
            Path temporary = out.resolveSibling("fstab.overlayboot-new");
            Files.writeString(temporary, rewrite.text(), StandardCharsets.UTF_8);
            Files.move(temporary, out, StandardCopyOption.REPLACE_EXISTING);
            return true;
        } catch (IOException | RuntimeException e) {
            debug("fstab: " + e);
            return false;
        }
    }

    private void mkdirs(String why, String... dirs) throws StepFailure {
        try {
            for (String dir : dirs) {
                ops.mkdirs(dir);
            }
        } catch (IOException e) {
            throw new StepFailure(why);
        }
    }

    private void call(String why, Call call) throws StepFailure {
        try {
            call.run();
        } catch (SyscallException e) {
            console.error(e.getMessage());
            throw new StepFailure(why);
        }
    }

    private void undoAll() {
        while (!undos.isEmpty()) {
            try {
                undos.pop().run();
            } catch (Exception e) {
                console.error("undo: " + e.getMessage());
            }
        }
    }

    private Outcome applyPolicy(String why) {
        if (plan.get(Settings.ONERROR).equals("panic")) {
            console.log(3, "FAILED to protect the root: " + why);
            record("failed", why);
            return Outcome.PANIC;
        }
        console.log(3, "FAILED to protect the root: " + why
                + "; booting the plain root UNPROTECTED, writes go to disk (boot with overlayboot=disabled to silence this)");
        record("failed", why + "; booted unprotected");
        return Outcome.BOOTED_UNPROTECTED;
    }

    private void warn(String message) {
        warnings.add(Console.PREFIX + message);
        console.log(4, message);
    }

    private void record(String status, String message) {
        try {
            StateRecord.write(paths.runDir().resolve("state"), StateRecord.text(status, message, plan.resolution(),
                    upperDescription, fs, persisting.persisted(), persisting.failed(), warnings));
        } catch (IOException | RuntimeException e) {
            // as the script: the console lines are the record of last resort
        }
    }

    private void step(String step) {
        debug("step: " + step);
    }

    private void debug(String message) {
        console.debug(message);
    }
}

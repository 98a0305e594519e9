package io.overlayboot.helper;

import io.overlayboot.settings.Settings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;

/**
 * The boot itself, as a list of steps: mount the upper at /rw, make upper/ and work/, move the
 * root to /ro, mount the union at /overlayboot, move /ro and /rw under it, rewrite its fstab, move
 * it to {@code $rootmnt}. Every step that changes something pushes its undo; when a step fails
 * the undos run in reverse order, so the root is back exactly as found, and the failure policy
 * ({@code onerror=}) decides what the boot does next.
 */
final class Boot {
    /** How a boot ended; {@link HelperMain} turns it into the exit code the script reads. */
    enum Outcome { PROTECTED, ALREADY_PROTECTED, BOOTED_PLAIN, PANIC }

    private final BootPlan plan;
    private final Console console;
    private final Path stateFile;
    private final Deque<Undo> undos = new ArrayDeque<>();
    private String upperDescription = "";

    Boot(BootPlan plan, Console console, Path stateFile) {
        this.plan = plan;
        this.console = console;
        this.stateFile = stateFile;
    }

    /** A step that failed: its message names the step, the path and the cause. */
    static final class StepFailure extends Exception {
        private static final long serialVersionUID = 1L;

        StepFailure(String message) {
            super(message);
        }
    }

    @FunctionalInterface
    private interface Undo {
        void run() throws Exception;
    }

    Outcome run() {
        if (alreadyInPlace()) {
            console.info("the root at " + plan.rootmnt() + " is already an overlayboot union, nothing to do");
            return Outcome.ALREADY_PROTECTED;
        }
        try {
            steps();
        } catch (StepFailure failure) {
            undoAll();
            return applyPolicy(failure.getMessage());
        } catch (RuntimeException | Error bug) {
            undoAll();
            throw bug;
        }
        String message = "root protected: writes go to " + upperDescription;
        record("protected", message);
        console.info(message);
        return Outcome.PROTECTED;
    }

    private void steps() throws StepFailure {
        String rootmnt = plan.rootmnt();
        upper();
        debug("mkdir " + plan.upper() + " " + plan.work());
        mkdirs(plan.upper(), plan.work());
        mkdirs(BootPlan.RO);
        move(rootmnt, BootPlan.RO);
        union();
        mkdirs(BootPlan.UNION + BootPlan.RO, BootPlan.UNION + BootPlan.RW);
        move(BootPlan.RO, BootPlan.UNION + BootPlan.RO);
        move(BootPlan.RW, BootPlan.UNION + BootPlan.RW);
        fstab();
        move(BootPlan.UNION, rootmnt);
    }

    private void upper() throws StepFailure {
        mkdirs(BootPlan.RW);
        if (!plan.deviceMode()) {
            tmpfsUpper();
            return;
        }
        String spec = plan.get(Settings.DEV);
        String fallback = plan.get(Settings.FALLBACK);
        debug("upper device " + spec);
        Optional<String> problem = deviceUpper(spec);
        if (problem.isEmpty()) {
            return;
        }
        if (!fallback.equals("tmpfs")) {
            throw new StepFailure(problem.get());
        }
        console.warn(problem.get() + ", using tmpfs (fallback=tmpfs): writes will NOT survive a reboot");
        tmpfsUpper();
    }

    /** Mounts the device at /rw; empty on success, else what went wrong. */
    private Optional<String> deviceUpper(String spec) throws StepFailure {
        int timeout = Integer.parseInt(plan.get(Settings.TIMEOUT));
        Optional<Path> device;
        try {
            device = DeviceLookup.await(spec, timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StepFailure("interrupted while waiting for the upper device " + spec);
        }
        if (device.isEmpty()) {
            return Optional.of("upper device " + spec + " not found after " + timeout + " s");
        }
        String fstype = plan.get(Settings.FSTYPE);
        if (fstype.equals("auto")) {
            Optional<String> probed = DeviceLookup.fstypeOf(device.get());
            if (probed.isEmpty()) {
                return Optional.of("cannot tell the filesystem type of the upper device " + spec + " ("
                        + device.get() + ")");
            }
            fstype = probed.get();
        }
        try {
            Syscalls.mount(device.get().toString(), BootPlan.RW, fstype, 0, null);
        } catch (SyscallException e) {
            return Optional.of("cannot mount the upper device " + spec + " (" + device.get() + ", " + fstype + "): "
                    + e.reason());
        }
        undos.push(() -> Syscalls.umount2(BootPlan.RW, 0));
        upperDescription = "the device " + spec + " (" + device.get() + ")";
        return Optional.empty();
    }

    private void tmpfsUpper() throws StepFailure {
        String size = plan.get(Settings.SIZE);
        debug("upper tmpfs size=" + size);
        call("cannot mount the tmpfs upper", () -> Syscalls.mount("tmpfs", BootPlan.RW, "tmpfs", 0,
                "size=" + size + ",mode=0755"));
        undos.push(() -> Syscalls.umount2(BootPlan.RW, 0));
        upperDescription = "tmpfs (size=" + size + "), lost at shutdown";
    }

    private void union() throws StepFailure {
        String driver = plan.get(Settings.DRIVER);
        mkdirs(BootPlan.UNION);
        List<String> drivers = driver.equals("auto") ? List.of("overlay", "aufs") : List.of(driver);
        debug("union " + driver + " lower=" + BootPlan.RO + " upper=" + plan.upper() + " work=" + plan.work());
        SyscallException last = null;
        for (String type : drivers) {
            String data = type.equals("aufs")
                    ? "dirs=" + plan.upper() + "=rw:" + BootPlan.RO + "=ro"
                    : "lowerdir=" + BootPlan.RO + ",upperdir=" + plan.upper() + ",workdir=" + plan.work();
            try {
                Syscalls.mount("overlayboot", BootPlan.UNION, type, 0, data);
                undos.push(() -> Syscalls.umount2(BootPlan.UNION, 0));
                return;
            } catch (SyscallException e) {
                last = e;
            }
        }
        throw new StepFailure("cannot mount the " + String.join(" or ", drivers) + " union at " + BootPlan.UNION + ": "
                + last.reason());
    }

    private void move(String from, String to) throws StepFailure {
        debug("move " + from + " " + to);
        call("cannot move " + from + " to " + to, () -> Syscalls.move(from, to));
        undos.push(() -> Syscalls.move(to, from));
    }

    private void fstab() throws StepFailure {
        Path fstab = Path.of(BootPlan.UNION, "etc", "fstab");
        debug("fstab swap=" + plan.get(Settings.SWAP) + " recurse=" + plan.get(Settings.RECURSE));
        if (!Files.isRegularFile(fstab)) {
            return;
        }
        try {
            byte[] before = Files.readAllBytes(fstab);
            String after = Fstab.rewrite(new String(before, StandardCharsets.UTF_8), plan.flag(Settings.SWAP));
            Files.writeString(fstab, after, StandardCharsets.UTF_8);
            undos.push(() -> Files.write(fstab, before));
        } catch (IOException e) {
            throw new StepFailure("cannot rewrite " + fstab + ": " + e.getMessage());
        }
    }

    private void mkdirs(String... dirs) throws StepFailure {
        for (String dir : dirs) {
            try {
                Files.createDirectories(Path.of(dir));
            } catch (IOException e) {
                throw new StepFailure("cannot make the directory " + dir + ": " + e);
            }
        }
    }

    @FunctionalInterface
    private interface Call {
        void run() throws SyscallException;
    }

    private static void call(String what, Call call) throws StepFailure {
        try {
            call.run();
        } catch (SyscallException e) {
            throw new StepFailure(what + ": " + e.reason());
        }
    }

    private void undoAll() {
        while (!undos.isEmpty()) {
            try {
                undos.pop().run();
            } catch (Exception e) {
                console.error("undo failed: " + e.getMessage());
            }
        }
    }

    private Outcome applyPolicy(String cause) {
        if (plan.get(Settings.ONERROR).equals("panic")) {
            String message = cause + "; the root is left as found, stopping (onerror=panic)";
            console.error(message);
            record("failed", message);
            return Outcome.PANIC;
        }
        String message = cause + "; booting the plain root WITHOUT protection: writes go to the disk";
        console.error(message);
        record("unprotected", message);
        return Outcome.BOOTED_PLAIN;
    }

    private boolean alreadyInPlace() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/mounts"))) {
                String[] f = line.split(" ");
                if (f.length >= 3 && f[0].equals("overlayboot") && f[1].equals(plan.rootmnt())) {
                    return true;
                }
            }
        } catch (IOException e) {
            return false;
        }
        return false;
    }

    private void record(String status, String message) {
        try {
            StateRecord.write(stateFile, status, message, plan.resolution());
        } catch (IOException | RuntimeException e) {
            console.warn("cannot write " + stateFile + ": " + e.getMessage());
        }
    }

    private void debug(String step) {
        console.debug("step: " + step);
    }
}

package io.overlayboot.grub;

import io.overlayboot.core.ExitCode;
import io.overlayboot.core.OverlaybootException;
import io.overlayboot.files.AtomicFiles;
import io.overlayboot.files.Digests;
import io.overlayboot.files.FileMeta;
import io.overlayboot.files.RunLock;
import io.overlayboot.install.BootChainOutcome;
import io.overlayboot.install.GrubUpdate;
import io.overlayboot.install.Reporter;
import io.overlayboot.maintain.Durable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code overlayboot lock-boot} and {@code unlock-boot}: a password on the GRUB menu. Three files
 * (docs/maintain.md says why each):
 * <ul>
 * <li>{@value #FRAGMENT} (mode 0700), run by grub-mkconfig: {@code set superusers} and
 *     {@code password_pbkdf2}, so editing an entry, the GRUB shell and every entry not marked
 *     {@code --unrestricted} need the password;</li>
 * <li>{@value #LINUX}: {@code --unrestricted} added to its {@code CLASS=} line (Debian's 10_linux
 *     puts CLASS on each of its menu entries and offers no setting for it; the file is a conffile,
 *     the admin's to edit, and {@code upgrade} keeps it), so the normal, protected entries boot
 *     unattended;</li>
 * <li>{@value #DROP_IN}: {@code GRUB_DISABLE_RECOVERY=true}, since 10_linux gives its recovery
 *     entries (which boot unprotected) the same CLASS.</li>
 * </ul>
 * Every change is first written to a {@link LockRecord}, so unlock puts every byte back.
 */
public final class BootLock {
    static final String FRAGMENT = "etc/grub.d/01_overlayboot-lock";
    static final String LINUX = "etc/grub.d/10_linux";
    static final String DROP_IN = "etc/default/grub.d/overlayboot-lock.cfg";
    static final String UNRESTRICTED = "--unrestricted";
    private static final Pattern CLASS = Pattern.compile("(?m)^CLASS=\"([^\"\\n]*)\"$");
    private static final Pattern USER = Pattern.compile("[a-z_][a-z0-9_-]{0,31}");

    /**
     * What a run did.
     *
     * @param root the directory changed (the lower layer on a protected machine)
     * @param lower true when it was the lower layer, through a maintenance session
     * @param locked whether the menu is locked afterwards
     * @param user the GRUB superuser (null after unlock or when it was not locked)
     * @param changes each file touched, as {@code create|change|remove PATH}
     * @param commands the GRUB command, as the user would type it (empty when nothing changed)
     * @param bootChain whether it ran, was printed to run by hand, or there was nothing to run
     */
    public record Outcome(Path root, boolean lower, boolean locked, String user, List<String> changes, List<String> commands,
            BootChainOutcome bootChain) {
        public Outcome {
            changes = List.copyOf(changes);
            commands = List.copyOf(commands);
        }
    }

    private BootLock() {}

    /** Refuses a user name GRUB's {@code superusers} list and our fragment could not carry as it is. */
    public static String checkUser(String user) {
        if (!USER.matcher(user).matches()) {
            throw new OverlaybootException(ExitCode.USAGE, "--user '" + user + "' is not a plain user name",
                    "use lower-case letters, digits, '_' and '-' (up to 32), starting with a letter, e.g. --user root");
        }
        return user;
    }

    /**
     * Refuses ({@link ExitCode#ENVIRONMENT}) a target whose GRUB cannot be locked this way: not GRUB 2
     * with {@code /etc/grub.d}, no {@code grub-mkpasswd-pbkdf2}, no Debian-style 10_linux, or a
     * grub-mkconfig that does not read {@code /etc/default/grub.d}.
     */
    static void requireSupport(Durable place) {
        if (!Files.isDirectory(place.resolve("etc/grub.d"))) {
            throw refused(place, place.show("etc/grub.d") + " does not exist: the boot loader is not GRUB 2 with grub-mkconfig");
        }
        Path mkconfig = List.of("usr/sbin/grub-mkconfig", "sbin/grub-mkconfig").stream().map(place::resolve)
                .filter(Files::isRegularFile).findFirst()
                .orElseThrow(() -> refused(place, "no grub-mkconfig in " + place.show("usr/sbin") + ": GRUB's menu is not generated here"));
        if (!place.hasTool("grub-mkpasswd-pbkdf2")) {
            throw refused(place, "no grub-mkpasswd-pbkdf2 in " + place.show("") + ": this GRUB cannot make a password hash");
        }
        Path linux = place.resolve(LINUX);
        if (!Files.isRegularFile(linux, LinkOption.NOFOLLOW_LINKS) || !CLASS.matcher(text(linux)).find()) {
            throw refused(place, place.show(LINUX) + " is missing or has no CLASS=\"...\" line, so its entries cannot be made"
                    + " --unrestricted and a locked menu would not boot unattended");
        }
        if (!text(mkconfig).contains("default/grub.d")) {
            throw refused(place, mkconfig + " does not read /etc/default/grub.d, where the lock switches the recovery entries off");
        }
    }

    private static OverlaybootException refused(Durable place, String why) {
        return OverlaybootException.environment("Cannot lock the boot menu of " + place.show("") + ": " + why,
                "lock GRUB by hand (see the GRUB manual, 'Authentication and authorisation'), or use a Debian-style GRUB 2");
    }

    /**
     * Locks the menu of {@code place} for {@code user}; {@code password} is asked only once the
     * target is known to support it. Locking again changes the password and keeps the originals.
     */
    public static Outcome lock(Durable place, String user, Supplier<Password> password, Reporter reporter,
            Consumer<String> progress) {
        checkUser(user);
        requireSupport(place);
        try (Held held = runLock(place, progress)) {
            Password pw = password.get();
            String hash;
            try {
                hash = Pbkdf2.hash(place.inside(List.of("grub-mkpasswd-pbkdf2")), pw);
            } finally {
                pw.clear();
            }
            Optional<LockRecord> earlier = load(place);
            List<Planned> plan = new ArrayList<>();
            plan.add(new Planned(FRAGMENT, fragment(user, hash).getBytes(StandardCharsets.UTF_8), 0700));
            byte[] linux = read(place.resolve(LINUX)).orElseThrow();
            plan.add(new Planned(LINUX, unrestricted(linux), 0755));
            plan.add(new Planned(DROP_IN, DROP_IN_TEXT.getBytes(StandardCharsets.UTF_8), 0644));

            List<String> dirs = new ArrayList<>(earlier.map(LockRecord::directories).orElse(List.of()));
            List<LockRecord.File> files = new ArrayList<>(earlier.map(LockRecord::files).orElse(List.of()));
            List<String> changes = new ArrayList<>();
            for (Planned p : plan) {
                Optional<byte[]> current = read(place.resolve(p.path()));
                if (current.isPresent() && java.util.Arrays.equals(current.get(), p.bytes())) {
                    continue;
                }
                Optional<LockRecord.File> known = earlier.flatMap(r -> r.file(p.path()));
                Optional<LockRecord.Original> original = known.isPresent() ? known.get().original()
                        : current.map(bytes -> new LockRecord.Original(bytes, meta(place.resolve(p.path()))));
                files.removeIf(f -> f.path().equals(p.path()));
                files.add(new LockRecord.File(p.path(), Digests.sha256Hex(p.bytes()), original));
                changes.add((current.isPresent() ? "change " : "create ") + place.show(p.path()));
            }
            if (changes.isEmpty()) {
                return new Outcome(place.root(), place.inSession(), true, user, List.of(), List.of(), BootChainOutcome.NONE);
            }
            for (String dir : List.of("var/lib/overlayboot", "etc/default/grub.d")) {
                createDirectories(place, dir, dirs);
            }
            store(place, new LockRecord(user, dirs, files));
            for (Planned p : plan) {
                if (changes.stream().anyMatch(c -> c.endsWith(" " + place.show(p.path())))) {
                    write(place, p.path(), p.bytes(), p.mode());
                }
            }
            progress.accept("boot menu locked for GRUB user '" + user + "'; the protected entries boot without it");
            return finish(place, true, user, changes, reporter, progress);
        }
    }

    /**
     * Puts back every byte {@link #lock} changed. A file changed since (by hand, or a package
     * upgrade that replaced 10_linux) is refused unless {@code force}, which puts the old bytes back anyway.
     */
    public static Outcome unlock(Durable place, boolean force, Reporter reporter, Consumer<String> progress) {
        try (Held held = runLock(place, progress)) {
            Optional<LockRecord> loaded = load(place);
            if (loaded.isEmpty()) {
                progress.accept("the boot menu of " + place.show("") + " is not locked by overlayboot (no " + place.show(LockRecord.PATH)
                        + "): nothing to do");
                return new Outcome(place.root(), place.inSession(), false, null, List.of(), List.of(), BootChainOutcome.NONE);
            }
            LockRecord record = loaded.get();
            List<String> changedSince = new ArrayList<>();
            for (LockRecord.File f : record.files()) {
                Optional<byte[]> current = read(place.resolve(f.path()));
                if (current.isEmpty() || !Digests.sha256Hex(current.get()).equals(f.sha256())) {
                    changedSince.add(place.show(f.path()) + (current.isEmpty() ? " (gone)" : ""));
                }
            }
            if (!changedSince.isEmpty() && !force) {
                throw OverlaybootException.environment("Changed since lock-boot: " + String.join(", ", changedSince)
                        + "; nothing was put back", "look at the changes; --force puts the bytes from before lock-boot back anyway");
            }
            List<String> changes = new ArrayList<>();
            for (LockRecord.File f : record.files().reversed()) {
                Path path = place.resolve(f.path());
                try {
                    if (f.original().isPresent()) {
                        AtomicFiles.write(path, f.original().get().bytes(), f.original().get().meta());
                        changes.add("change " + place.show(f.path()));
                    } else if (Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
                        AtomicFiles.delete(path);
                        changes.add("remove " + place.show(f.path()));
                    }
                } catch (IOException e) {
                    throw failed(place, f.path(), e);
                }
            }
            try {
                AtomicFiles.delete(place.resolve(LockRecord.PATH));
                for (String dir : record.directories().reversed()) {
                    Path d = place.resolve(dir);
                    try (var s = Files.list(d)) {
                        if (s.findAny().isEmpty()) {
                            Files.delete(d);
                        }
                    }
                }
            } catch (IOException e) {
                throw failed(place, LockRecord.PATH, e);
            }
            progress.accept("boot menu unlocked: every file lock-boot changed is back as it was");
            return finish(place, false, null, changes, reporter, progress);
        }
    }

    /** Whether {@code place} holds a lock record: the menu is locked (or a lock was cut short). */
    public static boolean locked(Path root) {
        return Files.exists(io.overlayboot.files.RootedPaths.resolve(root, LockRecord.PATH), LinkOption.NOFOLLOW_LINKS);
    }

    private static Outcome finish(Durable place, boolean locked, String user, List<String> changes, Reporter reporter,
            Consumer<String> progress) {
        List<String> command = GrubUpdate.command(place.target());
        BootChainOutcome ran = place.updateGrub(reporter, progress);
        return new Outcome(place.root(), place.inSession(), locked, user, changes, List.of(String.join(" ", command)), ran);
    }

    static final String DROP_IN_TEXT = """
            # overlayboot lock-boot: no recovery entries while the boot menu is locked. 10_linux gives
            # them the same options (CLASS) as the normal entries, so they would be --unrestricted too,
            # and they boot unprotected and writable. Removed by 'overlayboot unlock-boot'.
            GRUB_DISABLE_RECOVERY=true
            """;

    /** The grub.d script: its output goes into grub.cfg before any menu entry. */
    static String fragment(String user, String hash) {
        return """
                #!/bin/sh
                # overlayboot lock-boot: a GRUB superuser, so that editing a boot entry, the GRUB shell
                # and every entry without --unrestricted need the password. Removed by
                # 'overlayboot unlock-boot' (which puts every file it changed back).
                set -e
                cat <<'EOF'
                set superusers="%s"
                password_pbkdf2 %s %s
                EOF
                """.formatted(user, user, hash);
    }

    /** 10_linux with {@code --unrestricted} at the end of its first {@code CLASS="..."} line; unchanged when it has it. */
    static byte[] unrestricted(byte[] linux) {
        String text = new String(linux, StandardCharsets.ISO_8859_1);
        Matcher m = CLASS.matcher(text);
        if (!m.find() || List.of(m.group(1).split(" ")).contains(UNRESTRICTED)) {
            return linux;
        }
        String edited = text.substring(0, m.end(1)) + " " + UNRESTRICTED + text.substring(m.end(1));
        return edited.getBytes(StandardCharsets.ISO_8859_1);
    }

    private record Planned(String path, byte[] bytes, int mode) {}

    private static void createDirectories(Durable place, String dir, List<String> created) {
        String sofar = "";
        for (String name : dir.split("/")) {
            sofar = sofar.isEmpty() ? name : sofar + "/" + name;
            Path d = place.resolve(sofar);
            if (!Files.exists(d, LinkOption.NOFOLLOW_LINKS)) {
                try {
                    Files.createDirectory(d);
                    Files.setPosixFilePermissions(d, FileMeta.permissionsOf(0755));
                } catch (IOException e) {
                    throw failed(place, sofar, e);
                }
                created.add(sofar);
            }
        }
    }

    private static void store(Durable place, LockRecord record) {
        write(place, LockRecord.PATH, record.toJson().getBytes(StandardCharsets.UTF_8), 0600);
    }

    private static void write(Durable place, String relative, byte[] bytes, int mode) {
        try {
            AtomicFiles.write(place.resolve(relative), bytes, FileMeta.permissionsOf(mode));
        } catch (IOException e) {
            throw failed(place, relative, e);
        }
    }

    private static Optional<LockRecord> load(Durable place) {
        return read(place.resolve(LockRecord.PATH))
                .map(bytes -> LockRecord.fromJson(new String(bytes, StandardCharsets.UTF_8), place.show(LockRecord.PATH)));
    }

    private static Optional<byte[]> read(Path file) {
        if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            return Optional.empty();
        }
        try {
            if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                throw new IOException("not a regular file");
            }
            return Optional.of(Files.readAllBytes(file));
        } catch (IOException e) {
            throw OverlaybootException.environment("Cannot read " + file + ": " + e.getMessage(), "overlayboot reads and writes only regular files there");
        }
    }

    private static FileMeta meta(Path file) {
        try {
            return FileMeta.read(file);
        } catch (IOException e) {
            throw OverlaybootException.environment("Cannot read the mode and owner of " + file + ": " + e.getMessage(), null);
        }
    }

    private static String text(Path file) {
        return read(file).map(b -> new String(b, StandardCharsets.ISO_8859_1)).orElse("");
    }

    private static OverlaybootException failed(Durable place, String relative, IOException e) {
        return new OverlaybootException(ExitCode.EXTERNAL_FAILURE, "Cannot write " + place.show(relative) + ": " + e.getMessage(),
                "fix the cause and run the command again; " + place.show(LockRecord.PATH) + " records what was done so far", e);
    }

    /** The run lock of a tree, so two overlayboot runs do not change it at once; a session holds its own. */
    private record Held(RunLock lock) implements AutoCloseable {
        @Override
        public void close() {
            if (lock != null) {
                try {
                    lock.close();
                } catch (IOException e) {
                    // the lock goes with the process anyway
                }
            }
        }
    }

    private static Held runLock(Durable place, Consumer<String> progress) {
        if (place.inSession()) {
            return new Held(null);
        }
        try {
            Path file = RunLock.lockFileFor(RunLock.defaultLockDir(), place.root());
            return new Held(RunLock.acquire(file, Duration.ofSeconds(60), holder -> progress.accept("waiting for another overlayboot run ("
                    + holder + ") to finish")).orElseThrow(() -> new OverlaybootException(ExitCode.ABORTED, "Another overlayboot run ("
                    + RunLock.holder(file) + ") is changing " + place.show("") + " and did not finish within 60 s",
                    "wait for it to finish, then run again")));
        } catch (IOException e) {
            throw new OverlaybootException(ExitCode.ENVIRONMENT, "Cannot take the lock in " + RunLock.defaultLockDir() + ": "
                    + e.getMessage(), null, e);
        }
    }
}

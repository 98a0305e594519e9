package io.overlayboot.grub;

import io.overlayboot.core.ExitCode;
import io.overlayboot.core.OverlaybootException;
import io.overlayboot.files.ChangeRecord;
import io.overlayboot.files.RunLock;
import io.overlayboot.install.BootChainOutcome;
import io.overlayboot.install.GrubUpdate;
import io.overlayboot.install.Log;
import io.overlayboot.maintain.Durable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
 * Every change is first written to a {@link ChangeRecord}, so unlock puts every byte back.
 */
public final class BootLock {
    static final String FRAGMENT = "etc/grub.d/01_overlayboot-lock";
    static final String LINUX = "etc/grub.d/10_linux";
    static final String DROP_IN = "etc/default/grub.d/overlayboot-lock.cfg";
    static final String UNRESTRICTED = "--unrestricted";
    /** Where the {@link ChangeRecord} of the lock is kept. */
    static final String RECORD = "var/lib/overlayboot/boot-lock.json";
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
    public static Outcome lock(Durable place, String user, Supplier<Password> password, Log log) {
        checkUser(user);
        requireSupport(place);
        try (Held held = runLock(place, log)) {
            Password pw = password.get();
            String hash;
            try {
                hash = Pbkdf2.hash(place.inside(List.of("grub-mkpasswd-pbkdf2")), pw);
            } finally {
                pw.clear();
            }
            byte[] linux = read(place.resolve(LINUX)).orElseThrow();
            List<ChangeRecord.Wanted> wanted = List.of(ChangeRecord.Wanted.file(FRAGMENT, fragment(user, hash), 0700),
                    ChangeRecord.Wanted.file(LINUX, unrestricted(linux), 0755),
                    ChangeRecord.Wanted.file(DROP_IN, DROP_IN_TEXT, 0644));
            List<String> changes = ChangeRecord.apply(place.root(), RECORD, Map.of("user", user), wanted, place::show);
            if (changes.isEmpty()) {
                return new Outcome(place.root(), place.inSession(), true, user, List.of(), List.of(), BootChainOutcome.NONE);
            }
            log.note("boot menu locked for GRUB user '" + user + "'; the protected entries boot without it");
            return finish(place, true, user, changes, log);
        }
    }

    /**
     * Puts back every byte {@link #lock} changed. A file changed since (by hand, or a package
     * upgrade that replaced 10_linux) is refused unless {@code force}, which puts the old bytes back anyway.
     */
    public static Outcome unlock(Durable place, boolean force, Log log) {
        try (Held held = runLock(place, log)) {
            if (ChangeRecord.load(place.root(), RECORD, place::show).isEmpty()) {
                log.note("the boot menu of " + place.show("") + " is not locked by overlayboot (no " + place.show(RECORD)
                        + "): nothing to do");
                return new Outcome(place.root(), place.inSession(), false, null, List.of(), List.of(), BootChainOutcome.NONE);
            }
            List<String> changes = ChangeRecord.undo(place.root(), RECORD, force, place::show);
            log.note("boot menu unlocked: every file lock-boot changed is back as it was");
            return finish(place, false, null, changes, log);
        }
    }

    /** Whether {@code place} holds a lock record: the menu is locked (or a lock was cut short). */
    public static boolean locked(Path root) {
        return Files.exists(io.overlayboot.files.RootedPaths.resolve(root, RECORD), LinkOption.NOFOLLOW_LINKS);
    }

    private static Outcome finish(Durable place, boolean locked, String user, List<String> changes, Log log) {
        List<String> command = GrubUpdate.command(place.target());
        BootChainOutcome ran = place.updateGrub(log);
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

    private static String text(Path file) {
        return read(file).map(b -> new String(b, StandardCharsets.ISO_8859_1)).orElse("");
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

    private static Held runLock(Durable place, Log log) {
        if (place.inSession()) {
            return new Held(null);
        }
        try {
            Path file = RunLock.lockFileFor(RunLock.defaultLockDir(), place.root());
            return new Held(RunLock.acquire(file, Duration.ofSeconds(60), holder -> log.note("waiting for another overlayboot run ("
                    + holder + ") to finish")).orElseThrow(() -> new OverlaybootException(ExitCode.ABORTED, "Another overlayboot run ("
                    + RunLock.holder(file) + ") is changing " + place.show("") + " and did not finish within 60 s",
                    "wait for it to finish, then run again")));
        } catch (IOException e) {
            throw new OverlaybootException(ExitCode.ENVIRONMENT, "Cannot take the lock in " + RunLock.defaultLockDir() + ": "
                    + e.getMessage(), null, e);
        }
    }
}

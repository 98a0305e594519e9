package io.overlayboot.cli;

import io.overlayboot.grub.BootLock;
import io.overlayboot.grub.Password;
import io.overlayboot.maintain.Durable;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code overlayboot lock-boot}: a password on the GRUB menu; the protected entries still boot unattended. */
@Command(name = "lock-boot", mixinStandardHelpOptions = true,
        description = {"Put a password on the GRUB menu; the normal boot needs none.",
            "Sets a GRUB superuser with a PBKDF2 hash (grub-mkpasswd-pbkdf2): editing an entry, the GRUB shell and the",
            "entries other than the normal (protected) ones need the password. The password is asked twice on the",
            "terminal, or read from --password-file (never from the command line). On a protected machine the files",
            "are written to the lower layer (/ro) in a maintenance session; then update-grub runs. 'unlock-boot' puts",
            "every byte back. Root only. Exit 4 when the target's GRUB cannot do it, 3 for a bad password file."})
final class LockBootCommand implements Subcommand {
    @Mixin
    private LowerTargetMixin target;

    @Option(names = "--password-file", paramLabel = "FILE",
            description = "Read the password from FILE (one line; a trailing newline is not part of it).")
    private Path passwordFile;

    @Option(names = "--user", paramLabel = "NAME", defaultValue = "root",
            description = "The GRUB superuser to type at the prompt (default: ${DEFAULT-VALUE}).")
    private String user;

    @Mixin
    private JsonOption json;

    @Override
    public Rendered run(Output out) {
        BootLock.checkUser(user);
        Durable.requireRoot("lock-boot");
        try (Durable place = Durable.open(target.root(), target.mounts(), out::note)) {
            BootLock.Outcome outcome = BootLock.lock(place, user,
                    () -> passwordFile != null ? Password.fromFile(passwordFile) : Password.fromTerminal(System.console()),
                    out.log());
            return BootLockOutput.rendered(outcome);
        }
    }
}

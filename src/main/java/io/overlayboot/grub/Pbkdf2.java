package io.overlayboot.grub;

import io.overlayboot.core.ExitCode;
import io.overlayboot.core.OverlaybootException;
import io.overlayboot.sys.Exec;
import io.overlayboot.sys.ExecException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A GRUB PBKDF2 password hash ({@code grub.pbkdf2.sha512.ITERATIONS.SALT.HASH}) made by the
 * target's own {@code grub-mkpasswd-pbkdf2}, fed the password on stdin.
 */
final class Pbkdf2 {
    static final Pattern HASH = Pattern.compile("grub\\.pbkdf2\\.sha512\\.[0-9]+\\.[0-9A-F]+\\.[0-9A-F]+");
    private static final Duration LIMIT = Duration.ofMinutes(2);

    private Pbkdf2() {}

    /** Runs {@code command} (grub-mkpasswd-pbkdf2, as run inside the target) and returns the hash it prints. */
    static String hash(List<String> command, Password password) {
        byte[] stdin = password.twiceForStdin();
        Exec.Result r;
        try {
            r = Exec.command(command, LIMIT).env(java.util.Map.of("LC_ALL", "C")).stdin(stdin).run();
        } catch (ExecException e) {
            throw new OverlaybootException(ExitCode.EXTERNAL_FAILURE, "Cannot run grub-mkpasswd-pbkdf2: " + e.getMessage(), null, e);
        } finally {
            Arrays.fill(stdin, (byte) 0);
        }
        Matcher m = HASH.matcher(r.stdout());
        if (!r.ok() || !m.find()) {
            throw new OverlaybootException(ExitCode.EXTERNAL_FAILURE, "grub-mkpasswd-pbkdf2 made no hash (exit code " + r.exitCode()
                    + "): " + (r.stderr().strip() + " " + r.stdout().strip()).strip().replace('\n', ' '),
                    "check that '" + String.join(" ", command) + "' works by hand; nothing was changed");
        }
        return m.group();
    }
}

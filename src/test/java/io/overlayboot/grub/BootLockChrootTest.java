package io.overlayboot.grub;

import static org.assertj.core.api.Assertions.assertThat;

import io.overlayboot.install.CachedChroot;
import io.overlayboot.vm.DebianChroot;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code lock-boot} and {@code unlock-boot} on a copy of the cached Debian chroot with its real
 * {@code grub-mkpasswd-pbkdf2}, {@code grub-mkconfig} and {@code grub-script-check}: the copy is an
 * ext4 image mounted by {@link io.overlayboot.vm.LoopRoot} (grub-probe cannot probe an overlay or a
 * plain directory) inside {@code unshare -m -p -f}, so the cache and the host stay untouched.
 */
public class BootLockChrootTest {
    private static final String SCRIPT = """
            src=$1 dir=$2 ver=$3 ob=$4
            m=$dir/root
            image=$dir/root.ext4 mnt=$m
            """ + io.overlayboot.vm.LoopRoot.MOUNT_FOR_CHROOT + """
            : > "$m/boot/initrd.img-$ver"
            mkdir -p "$m/boot/grub"
            snapshot() {
              (cd "$m" && find etc var/lib -xdev -printf '%p %M %u %g\\n' | sort
               cd "$m" && find etc var/lib -xdev -type f -print0 | sort -z | xargs -0 sha256sum) > "$dir/$1"
            }
            chroot "$m" grub-mkconfig -o /boot/grub/grub.cfg 2> "$dir/mkconfig-before.log"
            cp "$m/boot/grub/grub.cfg" "$dir/grub-before.cfg"
            snapshot before.txt

            eval "$ob lock-boot --root $m --password-file $dir/pw1 --json" > "$dir/lock.json"
            cp "$m/boot/grub/grub.cfg" "$dir/grub-locked.cfg"
            chroot "$m" grub-script-check /boot/grub/grub.cfg > "$dir/script-check.txt" 2>&1; echo "rc $?" >> "$dir/script-check.txt"
            stat -c '%a' "$m/etc/grub.d/01_overlayboot-lock" "$m/var/lib/overlayboot/boot-lock.json" > "$dir/modes.txt"

            eval "$ob lock-boot --root $m --password-file $dir/pw2 --json" > "$dir/relock.json"
            cp "$m/boot/grub/grub.cfg" "$dir/grub-relocked.cfg"

            eval "$ob unlock-boot --root $m --json" > "$dir/unlock.json"
            cp "$m/boot/grub/grub.cfg" "$dir/grub-unlocked.cfg"
            snapshot after.txt
            eval "$ob unlock-boot --root $m" > "$dir/unlock-again.txt" 2>&1
            """;

    private static DebianChroot chroot;

    @TempDir
    Path dir;

    @BeforeAll
    static void chroot() {
        chroot = DebianChroot.ensure(line -> {});
    }

    @Test
    void lockGivesAValidMenuWithASuperuserAndUnrestrictedDefaultEntriesAndUnlockPutsEveryByteBack() throws Exception {
        Files.writeString(dir.resolve("pw1"), "correct horse\n");
        Files.writeString(dir.resolve("pw2"), "battery staple");
        CachedChroot.ext4Image(chroot.root(), dir.resolve("root.ext4"));

        String log = CachedChroot.unshared(SCRIPT, List.of(chroot.root().toString(), dir.toString(), chroot.kernelVersion(),
                CachedChroot.overlaybootCommand()));

        String locked = Files.readString(dir.resolve("grub-locked.cfg"));
        assertThat(Files.readString(dir.resolve("script-check.txt"))).as(log).isEqualTo("rc 0\n");
        assertThat(locked).as(log).contains("set superusers=\"root\"\n").containsPattern("\npassword_pbkdf2 root grub\\.pbkdf2\\.sha512\\.");
        List<String> entries = locked.lines().filter(l -> l.strip().startsWith("menuentry ")).toList();
        assertThat(entries).as(locked).isNotEmpty().allMatch(l -> l.contains(" --unrestricted "));
        assertThat(locked).as("no recovery entries while locked").doesNotContain("recovery mode");
        assertThat(Files.readString(dir.resolve("grub-before.cfg"))).doesNotContain("superusers").contains("recovery mode");
        assertThat(locked.indexOf("set superusers")).isLessThan(locked.indexOf("menuentry "));
        assertThat(passwordOf(locked)).as("the hash is of the file's first line, without its newline").isEqualTo("correct horse");
        assertThat(Files.readString(dir.resolve("modes.txt"))).isEqualTo("700\n600\n");
        assertThat(Files.readString(dir.resolve("lock.json"))).contains("\"locked\":true").contains("\"bootChain\":\"ran\"")
                .contains("\"create " + dir.resolve("root/etc/grub.d/01_overlayboot-lock") + "\"")
                .contains("\"change " + dir.resolve("root/etc/grub.d/10_linux") + "\"");

        assertThat(passwordOf(Files.readString(dir.resolve("grub-relocked.cfg")))).isEqualTo("battery staple");
        assertThat(Files.readString(dir.resolve("relock.json"))).as("only the fragment changes")
                .contains("\"changes\":[\"change " + dir.resolve("root/etc/grub.d/01_overlayboot-lock") + "\"]");

        assertThat(Files.readString(dir.resolve("after.txt"))).as("every byte, mode and owner back")
                .isEqualTo(Files.readString(dir.resolve("before.txt")));
        assertThat(Files.readString(dir.resolve("grub-unlocked.cfg"))).isEqualTo(Files.readString(dir.resolve("grub-before.cfg")));
        assertThat(Files.readString(dir.resolve("unlock.json"))).contains("\"locked\":false").contains("\"remove ");
        assertThat(Files.readString(dir.resolve("unlock-again.txt"))).contains("not locked by overlayboot").contains("nothing to do");
    }

    /** Which of the candidate passwords the menu's PBKDF2 hash is of, recomputed as GRUB does (PBKDF2-HMAC-SHA512). */
    public static String passwordOf(String grubCfg) throws Exception {
        Matcher m = Pattern.compile("grub\\.pbkdf2\\.sha512\\.([0-9]+)\\.([0-9A-F]+)\\.([0-9A-F]+)").matcher(grubCfg);
        assertThat(m.find()).as(grubCfg).isTrue();
        byte[] salt = HexFormat.of().parseHex(m.group(2));
        for (String candidate : List.of("correct horse", "correct horse\n", "battery staple", "battery staple\n")) {
            var spec = new PBEKeySpec(candidate.toCharArray(), salt, Integer.parseInt(m.group(1)), m.group(3).length() * 4);
            byte[] key = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA512").generateSecret(spec).getEncoded();
            if (HexFormat.of().withUpperCase().formatHex(key).equals(m.group(3))) {
                return candidate;
            }
        }
        return "none of the candidates";
    }
}

package io.overlayboot.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import io.overlayboot.sys.Exec;
import io.overlayboot.vm.BootResult;
import io.overlayboot.vm.Qemu;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * Boots through GRUB itself (issue 14's real GRUB boot, issue 15's boot of a machine set up only
 * with the package): a Debian 12 and a Debian 13 disk ({@link DebianMachine}: MBR, GRUB for BIOS, serial console)
 * on which the admin's two commands ran, {@code apt install ./overlayboot_*.deb} and
 * {@code overlayboot enable}; GRUB's menu is the one their own grub-mkconfig wrote. QEMU (TCG)
 * boots the disk three times, with nothing between the boots but reading it:
 * <ol>
 *   <li>GRUB's default entry: {@code /} is an overlay; the guest writes a file, runs
 *       {@code overlayboot upgrade} against the machine's one apt source, a local {@code file:}
 *       repository holding version 2.0 of a package the test built ({@code obtest}, 1.0
 *       installed; {@link LocalAptRepo}), then {@code overlayboot next-boot writable}, which leaves {@code next_entry} in
 *       the lower's grubenv;
 *   <li>GRUB takes the one-shot: the maintenance entry, {@code /} is the plain disk, the first
 *       boot's file is gone, the upgraded package is there, and a file written now reaches the disk;
 *   <li>the default again (GRUB cleared {@code next_entry}): protected, with the second boot's file
 *       and the upgraded package. Then {@code apt-get remove overlayboot}, which the package refuses
 *       on a protected root (its prerm's {@code disable} refuses the live overlay and names
 *       {@code overlayboot maintenance -- apt-get remove overlayboot}): still installed, still
 *       protected. On the Debian 12 disk then that command ({@link #REMOVED_IN_MAINTENANCE}), after
 *       which the host finds the package gone from the disk (conffiles only) and a boot chain
 *       without it: no GRUB parameter or maintenance entry, an initrd without its files, GRUB's
 *       defaults as they were; on the Debian 13 disk, the disk as {@code enable} left it.
 * </ol>
 * The guest's steps are {@code e2e/guest/overlayboot-grub-steps}; docs/boot-tests.md has the why.
 */
@Tag("vm")
class GrubBootIT {
    /** A boot under TCG with the CLI's JVM started once: about a minute; the limit leaves room for a loaded machine. */
    private static final Duration LIMIT = Duration.ofSeconds(420);
    private static final int MEMORY_MB = 1024;
    /** The guest's steps, copied onto each run's disk (not part of the cached stock disk). */
    private static final Path STEPS = Path.of("e2e/guest/overlayboot-grub-steps");
    /** The hint every refusal to change a live overlay gives for removing the package (install/Target). */
    private static final String REMOVE_HINT = "'overlayboot maintenance -- apt-get remove overlayboot'";
    /**
     * The disk whose third boot also removes the package for good, in a maintenance session: about
     * 80 s under TCG (update-initramfs by the trigger, two JVM starts, update-grub), so one disk only.
     */
    private static final String REMOVED_IN_MAINTENANCE = "bookworm";

    /** What the admin does, and what the test reads back for its failure messages. */
    private static final String ADMIN = String.join("\n",
            "install -m 755 /tmp/overlayboot-grub-steps /",
            "apt-get install -y -q --no-install-recommends /tmp/overlayboot.deb >/tmp/apt.log 2>&1 || { cat /tmp/apt.log; exit 3; }",
            "overlayboot enable --yes >/tmp/enable.log 2>&1 || { cat /tmp/enable.log; exit 3; }",
            "grep -o \"^menuentry '[^']*'\\|^\\s*linux\\s.*\" /boot/grub/grub.cfg",
            // package obtest 1.0 installed, and the machine's one apt source (the guest has no
            // network): a local file: repository holding 2.0 (LocalAptRepo, as maintain/UpgradeTest uses)
            "m=/",
            LocalAptRepo.OLD_INSTALLED_NEW_IN_REPO,
            "echo '== ENABLED'",
            "");

    @TempDir
    Path work;

    @ParameterizedTest(name = "Debian {0}")
    @ValueSource(strings = {"bookworm", "trixie"})
    void theDefaultEntryProtectsAndNextBootWritableBootsWritableOnceThroughGrub(String flavor) throws IOException {
        long start = System.nanoTime();
        Path deb = DebianMachine.deb();
        Path disk = DebianMachine.stockDisk(flavor, work);
        boolean removeForGood = flavor.equals(REMOVED_IN_MAINTENANCE);
        Exec.Result admin = DebianMachine.inside(disk, work, (removeForGood ? "touch /obt-remove-in-maintenance\n" : "") + ADMIN,
                Map.of(deb, "overlayboot.deb",
                STEPS.toAbsolutePath(), "overlayboot-grub-steps"), Duration.ofMinutes(10));
        assertThat(admin.exitCode()).as(admin.stdout() + admin.stderr()).isZero();
        assertThat(admin.stdout()).as(admin.stderr()).endsWith("== ENABLED\n")
                .contains("menuentry 'Debian GNU/Linux'", ": maintenance (writable, NOT protected)'")
                .containsPattern("linux\\s+/boot/vmlinuz-\\S+ root=UUID=\\S+ ro .* aufs=tmpfs\\n");
        long built = System.nanoTime();

        BootResult first = boot(flavor + "-1", disk);
        assertThat(booted(first)).as(first.transcript()).isEqualTo("Debian GNU/Linux");
        assertThat(first.marker("root.fstype")).as(first.transcript()).contains("overlay");
        assertThat(first.marker("state.status")).as(first.transcript()).contains("protected");
        assertThat(first.marker("step.boot")).as(first.transcript()).contains("1");
        assertThat(first.marker("step.write")).as(first.transcript()).contains("0");
        assertThat(first.marker("step.demo")).as(first.transcript()).contains(LocalAptRepo.OLD);
        assertThat(first.marker("step.upgrade.exit")).as(first.transcript()).contains("0");
        // upgrade says what the next boot will be and whether a reboot is needed, and neither apt,
        // dpkg nor the kernel/initramfs guard reported an error
        List<String> upgrade = first.markers("step.upgrade.line");
        // ... and that it regenerated GRUB's menu inside the lower with Debian's update-grub (the
        // next two boots go through that menu)
        assertThat(String.join("\n", upgrade)).as(first.transcript())
                .contains("next boot: protected", "reboot: not needed", ": update-grub");
        assertThat(upgrade).as(first.transcript()).noneMatch(l -> l.startsWith("E: "));
        assertThat(first.marker("step.next-boot.exit")).as(first.transcript()).contains("0");
        // upgrade installed version 2 into the lower, and next-boot wrote GRUB's one-shot into the
        // lower's grubenv, not into the RAM layer
        String afterFirst = DebianMachine.readLower(disk, work, String.join("; ",
                "grep '^next_entry=' \"$1/boot/grub/grubenv\"",
                "dpkg-query --admindir=\"$1/var/lib/dpkg\" -W -f '${Version} ${Status}\\n' " + LocalAptRepo.PACKAGE,
                "cat \"$1" + LocalAptRepo.FILE + "\"",
                "[ -e \"$1/obt-protected-write\" ] && echo LEAKED; true"));
        assertThat(afterFirst).isEqualTo("next_entry=overlayboot-writable\n" + LocalAptRepo.NEW + " install ok installed\n"
                + LocalAptRepo.NEW + "\n");

        BootResult second = boot(flavor + "-2", disk);
        assertThat(booted(second)).as(second.transcript()).endsWith(": maintenance (writable, NOT protected)");
        assertThat(second.marker("root.fstype")).as(second.transcript()).contains("ext4");
        assertThat(second.marker("state.status")).as(second.transcript()).contains("unprotected");
        assertThat(second.marker("step.boot")).as(second.transcript()).contains("2");
        assertThat(second.marker("step.protected-write")).as(second.transcript()).contains("0");
        assertThat(second.marker("step.demo")).as(second.transcript()).contains(LocalAptRepo.NEW);
        assertThat(second.marker("step.write")).as(second.transcript()).contains("0");

        BootResult third = boot(flavor + "-3", disk);
        assertThat(booted(third)).as(third.transcript()).isEqualTo("Debian GNU/Linux");
        assertThat(third.marker("root.fstype")).as(third.transcript()).contains("overlay");
        assertThat(third.marker("state.status")).as(third.transcript()).contains("protected");
        assertThat(third.marker("step.boot")).as(third.transcript()).contains("3");
        assertThat(third.marker("step.writable-boot")).as(third.transcript()).contains("1");
        assertThat(third.marker("step.protected-write")).as(third.transcript()).contains("0");
        assertThat(third.marker("step.demo")).as(third.transcript()).contains(LocalAptRepo.NEW);
        // apt remove of the package on the protected root: apt's hook warns, the prerm's disable
        // refuses the live overlay naming the removal that sticks, dpkg stops, apt exits 100; the
        // package is still installed and / still protected
        String remove = String.join("\n", third.markers("step.remove.line"));
        assertThat(third.marker("step.remove.exit")).as(third.transcript()).contains("100");
        assertThat(remove).as(third.transcript()).contains("overlayboot: WARNING: / is protected", REMOVE_HINT,
                "overlayboot: protection is still enabled, so the package stays");
        assertThat(third.marker("step.remove.dpkg").orElse("")).as(third.transcript()).endsWith(" ok installed");
        assertThat(third.marker("step.status.exit")).as(third.transcript()).contains("0");
        assertThat(third.markers("step.status.line")).as(third.transcript()).anyMatch(l -> l.startsWith("protected: / is an overlay union"));
        // ... and removed inside a maintenance session: on the lower, protection switched off first;
        // the session is undone after the package (with the JVM's runtime) is gone
        List<String> maintenance = third.markers("step.maintenance.line");
        if (removeForGood) {
            assertThat(third.marker("step.maintenance.exit")).as(third.transcript()).contains("0");
            assertThat(String.join("\n", maintenance)).as(third.transcript())
                    .contains("overlayboot is disabled in", "the initrds are rebuilt by initramfs-tools' trigger",
                            // the JVM still has its deleted runtime open, so only /ro's mount flag goes read-only ...
                            "/ro is read-only again by its mount flag only",
                            "done: /ro is read-only again and every mount of the session is gone");
            assertThat(maintenance).as(third.transcript()).noneMatch(l -> l.startsWith("E: "));
            // ... and its filesystem can, once the JVM has ended
            assertThat(third.marker("step.maintenance.lower-ro")).as(third.transcript()).contains("0");
        } else {
            assertThat(third.marker("step.maintenance.exit")).as(third.transcript()).isEmpty();
        }

        String lower = DebianMachine.readLower(disk, work, String.join("; ",
                "grep '^next_entry' \"$1/boot/grub/grubenv\"",
                "cat \"$1/obt-writable-boot\"",
                "ls \"$1/obt-protected-write\" \"$1/etc/overlayboot/next-boot\" 2>/dev/null; true"));
        // GRUB emptied next_entry as it took it (save_env); only the writable boot's file is on the disk
        assertThat(lower).isEqualTo("next_entry=\nwritten while writable\n");
        // Removed in maintenance: the package is gone from the disk and its boot chain boots
        // plainly: dpkg keeps only the conffiles (remove, not purge), no manifest, no GRUB parameter
        // or maintenance entry in the menu, Debian's entry still there, an initrd rebuilt without
        // the package's files, and GRUB's defaults back to their stock bytes. Refused only: the
        // disk still has all of it
        String removed = DebianMachine.readLower(disk, work, String.join("; ",
                "dpkg-query --admindir=\"$1/var/lib/dpkg\" -W -f '${Status}\\n' overlayboot",
                "(cd \"$1\" && ls usr/bin/overlayboot var/lib/overlayboot/manifest.json etc/default/grub.d/overlayboot.cfg 2>/dev/null)",
                "echo \"aufs= in grub.cfg: $(grep -c 'aufs=' \"$1/boot/grub/grub.cfg\")\"",
                "echo \"maintenance entries: $(grep -c 'maintenance (writable' \"$1/boot/grub/grub.cfg\")\"",
                "echo \"Debian entries: $(grep -c \"^menuentry 'Debian GNU/Linux'\" \"$1/boot/grub/grub.cfg\")\"",
                "k=$(cat \"$1/usr/share/overlayboot-e2e/kernel-version\")",
                "l=$(mktemp)",
                "lsinitramfs \"$1/boot/initrd.img-$k\" >\"$l\"",
                "echo \"initrd: $(grep -cx init \"$l\") init, $(grep -c overlayboot \"$l\") files of overlayboot\"",
                "rm -f \"$l\"",
                "cat \"$1/etc/default/grub\"",
                "true"));
        if (removeForGood) {
            assertThat(removed).as(third.transcript()).isEqualTo("deinstall ok config-files\n" + "aufs= in grub.cfg: 0\n"
                    + "maintenance entries: 0\n" + "Debian entries: 1\n" + "initrd: 1 init, 0 files of overlayboot\n" + DebianMachine.DEFAULT_GRUB);
        } else {
            assertThat(removed).as(third.transcript())
                    .startsWith("install ok installed\n" + "etc/default/grub.d/overlayboot.cfg\n" + "usr/bin/overlayboot\n"
                            + "var/lib/overlayboot/manifest.json\n")
                    .contains("Debian entries: 1\n", "initrd: 1 init, ")
                    .doesNotContain("aufs= in grub.cfg: 0\n", "maintenance entries: 0\n", " 0 files of overlayboot\n");
        }
        System.out.printf("GrubBootIT " + flavor + ": disk set up in %d s; boots %d s, %d s, %d s (apt remove %s s,"
                + " maintenance -- apt-get remove %s s); total %d s%n",
                (built - start) / 1_000_000_000L, first.elapsed().toSeconds(), second.elapsed().toSeconds(),
                third.elapsed().toSeconds(), third.marker("step.remove.seconds").orElse("?"),
                third.marker("step.maintenance.seconds").orElse("?"), (System.nanoTime() - start) / 1_000_000_000L);
    }

    /** Boots the disk through GRUB, keeps the console in target/boot-logs, and checks the guest powered off cleanly. */
    private static BootResult boot(String n, Path disk) throws IOException {
        BootResult boot = Qemu.bootFromDisk(List.of(disk), MEMORY_MB, LIMIT, line -> {});
        Path logs = Files.createDirectories(Path.of("target", "boot-logs"));
        Files.writeString(logs.resolve("grub-boot-" + n + ".log"), boot.transcript() + "\n");
        assertThat(boot.timedOut()).as("boot %s hit the time limit:%n%s", n, boot.transcript()).isFalse();
        assertThat(boot.panicked()).as("boot %s panicked:%n%s", n, boot.transcript()).isFalse();
        assertThat(boot.cleanPowerOff()).as("boot %s did not run its init to the end:%n%s", n, boot.transcript()).isTrue();
        return boot;
    }

    /**
     * The title of the entry GRUB booted ({@code Booting `TITLE'} on its console; GRUB wraps a long
     * title at the terminal's width, where a space was).
     */
    private static String booted(BootResult boot) {
        String console = boot.transcript();
        int at = console.indexOf("Booting `");
        assertThat(at).as("GRUB's 'Booting' line:%n%s", console).isNotNegative();
        assertThat(console.indexOf("Booting `", at + 1)).as("GRUB booted twice:%n%s", console).isNegative();
        int from = at + "Booting `".length();
        return console.substring(from, console.indexOf('\'', from)).replaceAll("\\s*\n\\s*", " ");
    }
}

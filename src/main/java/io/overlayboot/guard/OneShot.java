package io.overlayboot.guard;

import io.overlayboot.core.OverlaybootException;
import io.overlayboot.files.AtomicFiles;
import io.overlayboot.files.RootedPaths;
import io.overlayboot.render.BootMenu;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code overlayboot next-boot}: a choice for the next boot only, and reading back what is pending.
 *
 * <p>With GRUB (a {@code /boot/grub/grub.cfg}) the choice is GRUB's own one-shot: {@code next_entry}
 * in {@code /boot/grub/grubenv}, what {@code grub-reboot} writes, naming an entry of
 * {@code /etc/grub.d/42_overlayboot} by its id ({@link BootMenu}). Debian's {@code 00_header}
 * takes {@code next_entry} whatever {@code GRUB_DEFAULT} is ({@code if [ "${next_entry}" ]; then
 * set default="${next_entry}"; set next_entry=; save_env next_entry; ...}), and clears it as it
 * boots it; so the admin's {@code GRUB_DEFAULT} is neither needed as {@code saved} nor touched. A
 * grub.cfg without that branch (not written by grub-mkconfig) is refused. grubenv is rewritten in
 * place at its size, as GRUB's {@code save_env} and {@code grub-editenv} do, so GRUB finds it
 * where it was.
 *
 * <p>Without GRUB the choice is the flag file {@link #FLAG} on the root, one word; the boot library
 * reads it in the initramfs, removes it (remounting the root read-write for that one unlink when it
 * is mounted read-only) and ignores it with a warning when it cannot, so a choice is used once or
 * not at all.
 */
public final class OneShot {
    /** The flag file, relative to the root the boot mounts. */
    public static final String FLAG = BootMenu.FLAG;

    private OneShot() {}

    /** What the next boot should be. */
    public enum Choice {
        WRITABLE("writable"), PROTECTED("protected"), DEFAULT("default");

        private final String word;

        Choice(String word) {
            this.word = word;
        }

        public String word() {
            return word;
        }
    }

    /**
     * A one-shot choice waiting for the next boot.
     *
     * @param choice {@code writable}, {@code protected}, or {@code other} (a {@code next_entry}
     *     that names no overlayboot entry, e.g. set by the admin with grub-reboot)
     * @param via {@code grubenv} or {@code flag}
     * @param entry the GRUB entry id it names; empty for the flag
     */
    public record Pending(String choice, String via, String entry) {
        /** One line for people. */
        public String describe() {
            String what = choice.equals("other") ? "GRUB entry '" + entry + "'" : choice;
            return what + ", once (" + (via.equals("flag") ? "/" + FLAG : "grubenv next_entry '" + entry + "'")
                    + "; 'overlayboot next-boot default' cancels it)";
        }
    }

    /**
     * What {@code next-boot} did.
     *
     * @param choice what was asked
     * @param via {@code grubenv} or {@code flag}
     * @param entry the GRUB entry id chosen; empty for the flag or {@code default}
     * @param before what was pending before, or null
     * @param changed whether a file was changed
     */
    public record Done(Choice choice, String via, String entry, Pending before, boolean changed) {}

    /** What is pending for the next boot of the system at {@code root}; empty when nothing is. */
    public static Optional<Pending> pending(Path root) {
        return pending(new InRoot(root));
    }

    static Optional<Pending> pending(InRoot root) {
        Optional<String> flag = flagWord(root);
        if (flag.isPresent()) {
            return Optional.of(new Pending(flag.get(), "flag", ""));
        }
        if (root.find(NextBootCheck.GRUB_CFG).isEmpty()) {
            return Optional.empty();
        }
        String next = GrubEnv.parse(root.readText(NextBootCheck.GRUBENV).orElse("")).getOrDefault("next_entry", "");
        if (next.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Pending(choiceOf(next), "grubenv", next));
    }

    /**
     * The flag's word, {@code writable} or {@code protected} ({@code other} for anything else); read
     * from the lower layer at {@code /ro} when the root is a protected one, as the boot sees it.
     */
    static Optional<String> flagWord(InRoot root) {
        String path = root.find("ro/etc").isPresent() ? "ro/" + FLAG : FLAG;
        return root.readText(path).map(String::strip).map(w -> w.equals("writable") || w.equals("protected") ? w : "other");
    }

    private static String choiceOf(String entry) {
        if (entry.equals(BootMenu.WRITABLE)) {
            return "writable";
        }
        return entry.equals(BootMenu.RAM) || entry.equals(BootMenu.DEVICE) ? "protected" : "other";
    }

    /**
     * Makes {@code choice} for the next boot of the root at {@code root}, whose files are writable
     * here (a chroot, an image, or the lower layer remounted read-write for this).
     */
    public static Done choose(Path root, Choice choice) {
        InRoot in = new InRoot(root);
        Pending before = pending(in).orElse(null);
        try {
            Optional<String> grubCfg = in.readText(NextBootCheck.GRUB_CFG);
            boolean flagRemoved = removeFlag(root);
            if (grubCfg.isEmpty()) {
                if (choice == Choice.DEFAULT) {
                    return new Done(choice, "flag", "", before, flagRemoved);
                }
                Path flag = RootedPaths.resolve(root, FLAG);
                Files.createDirectories(flag.getParent());
                AtomicFiles.write(flag, (choice.word() + "\n").getBytes(StandardCharsets.US_ASCII),
                        PosixFilePermissions.fromString("rw-r--r--"));
                return new Done(choice, "flag", "", before, true);
            }
            GrubConfig grub = GrubConfig.parse(grubCfg.get());
            Map<String, String> env = new LinkedHashMap<>(GrubEnv.parse(in.readText(NextBootCheck.GRUBENV).orElse("")));
            String entry = "";
            if (choice == Choice.DEFAULT) {
                String old = env.remove("next_entry");
                if (old == null || old.isEmpty()) {
                    return new Done(choice, "grubenv", "", before, flagRemoved);
                }
            } else {
                requireNextEntryBranch(grub);
                entry = entryFor(grub, choice);
                if (entry.equals(env.get("next_entry"))) {
                    return new Done(choice, "grubenv", entry, before, flagRemoved);
                }
                env.put("next_entry", entry);
            }
            writeGrubEnv(RootedPaths.resolve(root, NextBootCheck.GRUBENV), env);
            return new Done(choice, "grubenv", entry, before, true);
        } catch (IOException e) {
            throw OverlaybootException.environment("Cannot record the next-boot choice under " + root + ": " + e.getMessage(),
                    "is the root (or /boot) writable here? On a protected machine run it as root");
        }
    }

    /** The id of the entry {@code choice} boots: the writable one, or the protected one (device when configured). */
    private static String entryFor(GrubConfig grub, Choice choice) {
        List<String> wanted = choice == Choice.WRITABLE ? List.of(BootMenu.WRITABLE) : List.of(BootMenu.DEVICE, BootMenu.RAM);
        for (String id : wanted) {
            if (grub.find(id) != null) {
                return id;
            }
        }
        throw OverlaybootException.environment("/" + NextBootCheck.GRUB_CFG + " has no menu entry '" + wanted.getLast()
                + "' (overlayboot's entries come from /" + BootMenu.SCRIPT + ")",
                "run update-grub; if /" + BootMenu.SCRIPT + " is missing, run 'overlayboot install' again");
    }

    private static void requireNextEntryBranch(GrubConfig grub) {
        if (grub.defaults().stream().noneMatch(d -> GrubConfig.isVariable(d, "next_entry"))) {
            throw OverlaybootException.environment("/" + NextBootCheck.GRUB_CFG + " does not take a one-shot default"
                    + " (no set default=\"${next_entry}\"; it was not written by grub-mkconfig)",
                    "run update-grub, or pick the entry at the GRUB menu");
        }
    }

    private static boolean removeFlag(Path root) throws IOException {
        Path flag = RootedPaths.resolve(root, FLAG);
        if (!Files.exists(flag, LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        AtomicFiles.delete(flag);
        return true;
    }

    /** Rewrites grubenv in place at its size (GRUB writes its blocks, so they stay where they are); a new one whole. */
    private static void writeGrubEnv(Path file, Map<String, String> env) throws IOException {
        boolean exists = Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS);
        int size = exists ? (int) Math.min(Files.size(file), 1 << 20) : GrubEnv.SIZE;
        byte[] block = GrubEnv.format(env, size).orElseThrow(() -> OverlaybootException.environment(
                file + " is full: the variables do not fit its " + size + " bytes", "remove unused variables with grub-editenv"));
        if (!exists || size != block.length) {
            Files.createDirectories(file.getParent());
            AtomicFiles.write(file, block, PosixFilePermissions.fromString("rw-r--r--"));
            return;
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
            ByteBuffer buffer = ByteBuffer.wrap(block);
            while (buffer.hasRemaining()) {
                ch.write(buffer, buffer.position());
            }
            ch.force(true);
        }
    }
}

package io.overlayboot.install;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Everything one {@code install}, {@code configure} or {@code uninstall} will do to a target,
 * computed (by {@link Planner}) before anything is touched: the file changes, the records that make
 * the run undoable (the manifest, backups, directories), the boot-chain commands and what to say.
 * {@code --dry-run} prints {@link #preview()} of it; {@link Apply} carries out the same value.
 *
 * @param question what confirmation asks, e.g. {@code Install overlayboot}
 * @param unchanged when present there is nothing to do, and this line is all the run says
 * @param notices said before the changes are shown (warnings about the options, what planning found)
 * @param changes the file operations, in order; each knows the bytes it expects to find
 * @param bootChain the commands that rebuild the initrds and the GRUB config, as typed inside the target
 * @param records what keeps the run undoable, see {@link Records}
 * @param closing what is said after the changes, see {@link Closing}
 */
public record Plan(Target target, String question, Optional<String> unchanged, List<Notice> notices, List<Change> changes,
        List<List<String>> bootChain, Records records, Closing closing) {
    public Plan {
        notices = List.copyOf(notices);
        changes = List.copyOf(changes);
        bootChain = bootChain.stream().map(List::copyOf).toList();
    }

    /** A plan that does nothing and says {@code line}. */
    static Plan nothing(Target target, String line) {
        return new Plan(target, "", Optional.of(line), List.of(), List.of(), List.of(), Records.NONE, Closing.NONE);
    }

    /** A warning or a note, said on stderr. */
    record Notice(boolean warning, String text) {
        static Notice warn(String text) {
            return new Notice(true, text);
        }

        static Notice note(String text) {
            return new Notice(false, text);
        }
    }

    /** The original bytes of {@code path}, kept at {@code backup} before the file is replaced. */
    record Backup(String path, String backup, byte[] bytes) {}

    /**
     * What makes the run undoable, in the order {@link Apply} does it: the {@code intent} manifest
     * first (naming everything about to be written; the missing directories {@code withManifest}
     * appear whole together with it), the other {@code directories}, the {@code backups}, then the
     * changes, then {@code sweep} (files whose interrupted-write leftovers go), {@code discard}
     * (files taken out afterwards: old backups), the {@code removeIfEmpty} directories, and last
     * the {@code record} manifest of what is now on disk, marked done once the boot chain ran. With
     * no {@code record} (uninstall) the manifest goes last instead, together with the directories
     * {@code withManifest} install made for it: they disappear whole when they hold nothing else.
     */
    record Records(Optional<Manifest> intent, List<String> withManifest, List<String> directories, List<Backup> backups,
            List<String> discard, List<String> sweep, List<String> removeIfEmpty, Optional<Manifest> record) {
        static final Records NONE = new Records(Optional.empty(), List.of(), List.of(), List.of(), List.of(), List.of(), List.of(),
                Optional.empty());

        Records {
            withManifest = List.copyOf(withManifest);
            directories = List.copyOf(directories);
            backups = List.copyOf(backups);
            discard = List.copyOf(discard);
            sweep = List.copyOf(sweep);
            removeIfEmpty = List.copyOf(removeIfEmpty);
        }
    }

    /**
     * What is said once the files are written: {@code notes}; {@code done} when the boot chain ran;
     * and, when {@code lost} names files (uninstall {@code --force} without their backups), the run
     * ends with BAD_INPUT naming them.
     */
    record Closing(List<String> notes, String done, List<String> lost) {
        static final Closing NONE = new Closing(List.of(), "", List.of());

        Closing {
            notes = List.copyOf(notes);
            lost = List.copyOf(lost);
        }
    }

    /** Each change as {@code create|change|remove PATH}, as {@link Result#changes()} lists them. */
    public List<String> summary() {
        return changes.stream().map(c -> c.verb() + " " + c.path()).toList();
    }

    /** The boot-chain commands as shown to the user ({@code chroot ROOT ...} for a non-live target). */
    public List<String> shownCommands() {
        return bootChain.stream().map(c -> BootChain.show(target, c)).toList();
    }

    /** What {@code --dry-run} prints: a unified diff of every change, the commands, and a count. */
    public List<String> preview() {
        List<String> lines = new ArrayList<>();
        changes.forEach(c -> lines.add(c.diff()));
        shownCommands().forEach(c -> lines.add("overlayboot would run: " + c));
        lines.add("Dry run: " + changes.size() + " file(s) would change; nothing was changed.");
        return lines;
    }
}

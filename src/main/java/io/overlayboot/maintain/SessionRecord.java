package io.overlayboot.maintain;

import io.overlayboot.files.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What a maintenance session has done so far, kept in {@code /run/overlayboot/maintenance} so that
 * the next run can undo what a killed one left. Each step is written here before it is taken, so
 * the record never misses a mount; undoing a step that was not taken is a no-op.
 *
 * <pre>
 * pid=1234 1700000000000          the overlayboot process and its start time (ms since the epoch)
 * child=1240 1700000000500        the command run inside, once started
 * remount=/ro                     the lower's mount flag, made read-write (remount,bind,rw)
 * remount-superblock=/ro          its filesystem too, which was read-only (remount,rw)
 * mount=/ro/proc                  each mount made, in order
 * </pre>
 *
 * @param owner the session's own process
 * @param child the command's process, when started
 * @param remounted the lower whose mount flag was made read-write, when that step was taken
 * @param superblock the lower whose filesystem was made read-write too, when that step was taken
 * @param mounts the mount points made, in order
 */
record SessionRecord(Proc owner, Optional<Proc> child, Optional<String> remounted, Optional<String> superblock,
        List<String> mounts) {
    SessionRecord {
        mounts = List.copyOf(mounts);
    }

    /**
     * A process, told apart from a later one with the same number by its start time.
     *
     * @param pid its number
     * @param started its start time in ms since the epoch, 0 when unknown
     */
    record Proc(long pid, long started) {
        static Proc of(ProcessHandle p) {
            return new Proc(p.pid(), p.info().startInstant().map(java.time.Instant::toEpochMilli).orElse(0L));
        }

        /** True when this very process still runs. */
        boolean alive() {
            return ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
                    .map(p -> started == 0 || Proc.of(p).started() == started).orElse(false);
        }

        @Override
        public String toString() {
            return pid + " " + started;
        }

        static Proc parse(String text) {
            String[] f = text.strip().split(" ");
            return new Proc(Long.parseLong(f[0]), f.length > 1 ? Long.parseLong(f[1]) : 0);
        }
    }

    static SessionRecord start(ProcessHandle self) {
        return new SessionRecord(Proc.of(self), Optional.empty(), Optional.empty(), Optional.empty(), List.of());
    }

    SessionRecord withChild(ProcessHandle p) {
        return new SessionRecord(owner, Optional.of(Proc.of(p)), remounted, superblock, mounts);
    }

    SessionRecord withRemount(String lower) {
        return new SessionRecord(owner, child, Optional.of(lower), superblock, mounts);
    }

    SessionRecord withSuperblock(String lower) {
        return new SessionRecord(owner, child, remounted, Optional.of(lower), mounts);
    }

    SessionRecord withMount(String point) {
        List<String> more = new ArrayList<>(mounts);
        more.add(point);
        return new SessionRecord(owner, child, remounted, superblock, more);
    }

    String text() {
        StringBuilder b = new StringBuilder("pid=" + owner + "\n");
        child.ifPresent(c -> b.append("child=").append(c).append('\n'));
        remounted.ifPresent(r -> b.append("remount=").append(r).append('\n'));
        superblock.ifPresent(r -> b.append("remount-superblock=").append(r).append('\n'));
        mounts.forEach(m -> b.append("mount=").append(m).append('\n'));
        return b.toString();
    }

    void write(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        AtomicFiles.write(file, text().getBytes(StandardCharsets.UTF_8), PosixFilePermissions.fromString("rw-r--r--"));
    }

    /** The record in {@code file}, if there is one; a record that is not one is treated as none, with its text kept for the message. */
    static Optional<SessionRecord> read(Path file) throws IOException {
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            return Optional.empty();
        }
        Proc owner = null;
        Optional<Proc> child = Optional.empty();
        Optional<String> remounted = Optional.empty();
        Optional<String> superblock = Optional.empty();
        List<String> mounts = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            int eq = line.indexOf('=');
            if (eq < 0) {
                continue;
            }
            String key = line.substring(0, eq);
            String value = line.substring(eq + 1);
            try {
                switch (key) {
                    case "pid" -> owner = Proc.parse(value);
                    case "child" -> child = Optional.of(Proc.parse(value));
                    case "remount" -> remounted = Optional.of(value);
                    case "remount-superblock" -> superblock = Optional.of(value);
                    case "mount" -> mounts.add(value);
                    default -> { }
                }
            } catch (NumberFormatException e) {
                // a damaged pid line: the owner is unknown, so it is taken as gone
            }
        }
        return Optional.of(new SessionRecord(owner == null ? new Proc(0, 0) : owner, child, remounted, superblock, mounts));
    }
}

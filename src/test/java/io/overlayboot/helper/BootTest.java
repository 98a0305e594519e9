package io.overlayboot.helper;

import static org.assertj.core.api.Assertions.assertThat;

import io.overlayboot.settings.BootParameters;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Boot}'s steps and their undo order, without root: its mount calls go to a recording fake
 * that keeps a mount table as the kernel would (a move carries the mounts below it), so a failure
 * at each step shows exactly which steps are undone, newest first, and that the table ends as found.
 */
class BootTest {
    /** Each mount call of a tmpfs boot with /dev mounted under the root, and the call that undoes it. */
    private static final List<List<String>> STEPS = List.of(
            List.of("mount tmpfs /rw", "umount /rw"),
            List.of("move /root /ro", "move /ro /root"),
            List.of("mount overlay /overlayboot", "umount /overlayboot"),
            List.of("move /ro/dev /overlayboot/dev", "move /overlayboot/dev /ro/dev"),
            List.of("move /ro /overlayboot/ro", "move /overlayboot/ro /ro"),
            List.of("move /rw /overlayboot/rw", "move /overlayboot/rw /rw"),
            List.of("move /overlayboot /root"));
    private static final Map<String, String> AS_FOUND = Map.of("/root", "/dev/vda ext4", "/root/dev", "udev devtmpfs");

    @TempDir
    Path tmp;

    @Test
    void aBootThatSucceedsTakesEveryStepAndUndoesNone() {
        RecordingMounts fake = new RecordingMounts(tmp.resolve("mounts"), -1);

        Boot.Outcome outcome = boot(fake);

        assertThat(outcome).isEqualTo(Boot.Outcome.PROTECTED);
        assertThat(fake.calls).containsExactlyElementsOf(STEPS.stream().map(List::getFirst).toList());
        assertThat(fake.table).containsEntry("/root", "overlayboot overlay").containsEntry("/root/dev", "udev devtmpfs")
                .containsEntry("/root/ro", "/dev/vda ext4").containsEntry("/root/rw", "overlayboot-rw tmpfs");
    }

    @Test
    void aFailureAtEachStepUndoesExactlyTheStepsTakenNewestFirst() {
        for (int k = 0; k < STEPS.size(); k++) {
            RecordingMounts fake = new RecordingMounts(tmp.resolve("mounts-" + k), k);

            Boot.Outcome outcome = boot(fake);

            List<String> expected = new ArrayList<>();
            for (int i = 0; i < k; i++) {
                expected.add(STEPS.get(i).getFirst());
            }
            expected.add(STEPS.get(k).getFirst() + " FAILED");
            for (int i = k - 1; i >= 0; i--) {
                expected.add(STEPS.get(i).getLast());
            }
            assertThat(outcome).as("failure at step %d", k).isEqualTo(Boot.Outcome.BOOTED_UNPROTECTED);
            assertThat(fake.calls).as("failure at step %d", k).containsExactlyElementsOf(expected);
            assertThat(fake.table).as("the mounts after a failure at step %d", k).isEqualTo(AS_FOUND);
        }
    }

    @Test
    void theDirectoriesItMakesAreTheBootsOwn() {
        RecordingMounts fake = new RecordingMounts(tmp.resolve("mounts"), -1);

        boot(fake);

        assertThat(fake.dirs).containsExactly("/rw", "/ro", "/overlayboot", "/rw/upper", "/rw/work", "/overlayboot/dev",
                "/overlayboot/ro", "/overlayboot/rw");
    }

    private Boot.Outcome boot(RecordingMounts fake) {
        BootPlan plan = new BootPlan(BootParameters.resolve("root=/dev/vda ro aufs=tmpfs", ""), "/root");
        Console console = new Console(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                tmp.resolve("no-kmsg"), true);
        BootPaths paths = new BootPaths(tmp.resolve("run"), tmp.resolve("no-kmsg"), fake.file);
        return new Boot(plan, console, paths, fake).run();
    }

    /**
     * A mount table in memory, written to {@code file} in /proc/mounts form after every call (Boot
     * reads it through {@link MountTable}); call number {@code failAt} (counting mounts, moves and
     * unmounts from 0) fails.
     */
    private static final class RecordingMounts implements MountOps {
        final Path file;
        final List<String> calls = new ArrayList<>();
        final List<String> dirs = new ArrayList<>();
        final Map<String, String> table = new LinkedHashMap<>(AS_FOUND);
        private final int failAt;
        private int count;

        RecordingMounts(Path file, int failAt) {
            this.file = file;
            this.failAt = failAt;
            write();
        }

        @Override
        public void mount(String source, String target, String fstype, long flags, String data) throws SyscallException {
            call("mount " + fstype + " " + target);
            table.put(target, source + " " + fstype);
            write();
        }

        @Override
        public void move(String from, String to) throws SyscallException {
            call("move " + from + " " + to);
            Map<String, String> moved = new LinkedHashMap<>();
            table.forEach((point, what) -> moved.put(point.equals(from) || point.startsWith(from + "/")
                    ? to + point.substring(from.length()) : point, what));
            table.clear();
            table.putAll(moved);
            write();
        }

        @Override
        public void umount(String target) throws SyscallException {
            call("umount " + target);
            table.remove(target);
            write();
        }

        @Override
        public void mkdirs(String dir) {
            dirs.add(dir);
        }

        @Override
        public boolean kernelHas(String fs) {
            return fs.equals("overlay");
        }

        @Override
        public boolean modprobe(String module) {
            return false;
        }

        private void call(String what) throws SyscallException {
            if (count++ == failAt) {
                calls.add(what + " FAILED");
                throw new SyscallException(what, 16, "Device or resource busy");
            }
            calls.add(what);
        }

        private void write() {
            StringBuilder text = new StringBuilder();
            table.forEach((point, what) -> text.append(what.split(" ")[0]).append(' ').append(point).append(' ')
                    .append(what.split(" ")[1]).append(" rw 0 0\n"));
            try {
                Files.writeString(file, text);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}

package io.overlayboot.files;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunLockTest {
    @TempDir
    Path tmp;

    @Test
    void aSecondRunInThisProcessWaitsThenGivesUp() throws Exception {
        Path file = RunLock.lockFileFor(tmp.resolve("locks"), tmp);
        List<String> told = new ArrayList<>();
        try (RunLock first = RunLock.acquire(file, Duration.ZERO, told::add).orElseThrow()) {
            Optional<RunLock> second = RunLock.acquire(file, Duration.ofMillis(300), told::add);
            assertThat(second).isEmpty();
            assertThat(told).containsExactly("pid " + ProcessHandle.current().pid());
        }
        try (RunLock again = RunLock.acquire(file, Duration.ZERO, told::add).orElseThrow()) {
            assertThat(again).isNotNull();
        }
    }

    @Test
    void anotherProcessHoldingTheLockIsSeenAndWaitedFor() throws Exception {
        Path file = RunLock.lockFileFor(tmp.resolve("locks"), tmp);
        Files.createDirectories(file.getParent());
        // Java's file locks are fcntl locks; python's fcntl.lockf takes the same kind from another process.
        Process holder = new ProcessBuilder("python3", "-c",
                "import fcntl,sys,time\nf=open(sys.argv[1],'a')\nfcntl.lockf(f,fcntl.LOCK_EX)\nprint('locked',flush=True)\ntime.sleep(1.5)",
                file.toString()).start();
        assertThat(new String(holder.getInputStream().readNBytes(7), StandardCharsets.UTF_8)).isEqualTo("locked\n");
        assertThat(RunLock.acquire(file, Duration.ofMillis(200), s -> {})).isEmpty();
        long start = System.nanoTime();
        try (RunLock lock = RunLock.acquire(file, Duration.ofSeconds(10), s -> {}).orElseThrow()) {
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThan(Duration.ofMillis(300));
        }
        assertThat(holder.waitFor()).isZero();
    }

    @Test
    void lockFilesAreNamedAfterTheTargetsRealPath() throws Exception {
        Path a = Files.createDirectory(tmp.resolve("a"));
        Path link = Files.createSymbolicLink(tmp.resolve("l"), a);
        assertThat(RunLock.lockFileFor(tmp, link)).isEqualTo(RunLock.lockFileFor(tmp, a));
        assertThat(RunLock.lockFileFor(tmp, tmp)).isNotEqualTo(RunLock.lockFileFor(tmp, a));
    }
}

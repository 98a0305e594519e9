package io.overlayboot.files;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Optional;

/**
 * The lock that serialises overlayboot runs changing the same target root. It is an
 * {@code fcntl} lock on a file under {@code /run/lock/overlayboot/}, named after the target's real
 * path, so it never adds a file to the target and vanishes with the process that held it.
 */
public final class RunLock implements AutoCloseable {
    private static final Duration POLL = Duration.ofMillis(100);

    private final FileChannel channel;
    private final FileLock lock;

    private RunLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /** The lock file for target root {@code root} in directory {@code lockDir}. */
    public static Path lockFileFor(Path lockDir, Path root) throws IOException {
        String real = root.toRealPath().toString();
        return lockDir.resolve(Digests.sha256Hex(real.getBytes(StandardCharsets.UTF_8)).substring(0, 16) + ".lock");
    }

    /** The usual directory of lock files: {@code /run/lock/overlayboot}, else the temp directory. */
    public static Path defaultLockDir() {
        Path run = Path.of("/run/lock");
        Path dir = Files.isDirectory(run) && Files.isWritable(run) ? run : Path.of(System.getProperty("java.io.tmpdir"));
        return dir.resolve("overlayboot");
    }

    /**
     * Takes the lock, waiting up to {@code wait} while another run holds it. Empty when it is
     * still held after that; {@code onWait} is told once when waiting starts, with the holder's
     * description.
     */
    public static Optional<RunLock> acquire(Path lockFile, Duration wait, java.util.function.Consumer<String> onWait)
            throws IOException {
        Files.createDirectories(lockFile.getParent());
        FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        long deadline = System.nanoTime() + wait.toNanos();
        boolean told = false;
        try {
            while (true) {
                FileLock lock = tryLock(ch);
                if (lock != null) {
                    ch.truncate(0);
                    ch.write(ByteBuffer.wrap(("pid " + ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.UTF_8)), 0);
                    return Optional.of(new RunLock(ch, lock));
                }
                if (System.nanoTime() >= deadline) {
                    ch.close();
                    return Optional.empty();
                }
                if (!told) {
                    onWait.accept(holder(lockFile));
                    told = true;
                }
                Thread.sleep(POLL);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            ch.close();
            return Optional.empty();
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /** What the lock file says about its holder, e.g. {@code pid 1234}. */
    public static String holder(Path lockFile) {
        try {
            String text = Files.readString(lockFile).strip();
            return text.isEmpty() ? "another process" : text;
        } catch (IOException e) {
            return "another process";
        }
    }

    private static FileLock tryLock(FileChannel ch) throws IOException {
        try {
            return ch.tryLock();
        } catch (OverlappingFileLockException e) {
            return null; // held by this very JVM (another thread or test)
        }
    }

    @Override
    public void close() throws IOException {
        try {
            lock.release();
        } finally {
            channel.close();
        }
    }
}

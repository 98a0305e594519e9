package io.overlayboot.maintain;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** The processes whose root directory is a given directory: those still running inside a session. */
final class Insiders {
    private Insiders() {}

    /** Pids of the processes chrooted into {@code dir}, per {@code /proc/PID/root}, this one excluded. */
    static List<Long> of(Path dir) {
        List<Long> pids = new ArrayList<>();
        long self = ProcessHandle.current().pid();
        try (Stream<Path> s = Files.list(Path.of("/proc"))) {
            for (Path p : (Iterable<Path>) s::iterator) {
                String name = p.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit) || Long.parseLong(name) == self) {
                    continue;
                }
                try {
                    if (Files.readSymbolicLink(p.resolve("root")).equals(dir)) {
                        pids.add(Long.parseLong(name));
                    }
                } catch (IOException | UnsupportedOperationException e) {
                    // gone, or not ours to read
                }
            }
        } catch (IOException e) {
            return List.of();
        }
        return pids.stream().sorted().toList();
    }
}

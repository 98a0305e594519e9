package io.overlayboot.cli;

import io.overlayboot.files.Trees;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The training run behind {@code ./overlayboot}'s AOT cache: {@code java -XX:AOTCacheOutput=FILE -cp
 * overlayboot.jar io.overlayboot.cli.AotTraining}. The JVM keeps in the cache the classes a run
 * loads, linked, so one run that goes through the everyday commands ({@code --version},
 * {@code status}, {@code settings}, {@code render}, {@code pack}, {@code inspect}, {@code extract})
 * makes all of them start fast, where training on one command would leave the others' classes out.
 * Everything it writes stays in a temp directory, removed at the end; what the commands print is
 * dropped.
 */
final class AotTraining {
    private AotTraining() {}

    public static void main(String[] args) throws IOException {
        Path work = Files.createTempDirectory("overlayboot-aot");
        try {
            Path mounts = Files.writeString(work.resolve("mounts"),
                    "/dev/vda1 / ext4 ro,relatime 0 0\nproc /proc proc rw,nosuid,nodev,noexec,relatime 0 0\n");
            String tree = work.resolve("tree").toString();
            String initrd = work.resolve("initrd.img").toString();
            run("--version");
            run("--help");
            run("settings");
            run("settings", "--json");
            run("status", "--root", work.toString(), "--mounts", mounts.toString());
            run("status", "--json", "--root", work.toString(), "--mounts", mounts.toString());
            run("render", "--out", tree, "--size", "20%");
            run("pack", "--tree", tree, "--out", initrd);
            run("inspect", initrd);
            run("inspect", "--long", initrd);
            run("extract", initrd, work.resolve("extracted").toString());
        } finally {
            Trees.delete(work);
        }
    }

    private static void run(String... args) {
        PrintWriter discard = new PrintWriter(Writer.nullWriter());
        Main.run(discard, discard, args);
    }
}

package io.overlayboot.install;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** Opens {@link DebianTree} to the CLI tests in another package. */
public final class DebianTreeAccess {
    public static final String GRUB = DebianTree.GRUB;

    private DebianTreeAccess() {}

    public static Path create(Path root, boolean grubDropIns) throws IOException {
        return DebianTree.create(root, grubDropIns);
    }

    /** A Debian root with the overlayboot package installed (see {@link DebianTree#createPackaged}). */
    public static Path createPackaged(Path root, boolean grubDropIns) throws IOException {
        return DebianTree.createPackaged(root, grubDropIns);
    }

    /** A Debian root whose initrds dracut builds (see {@link InitrdGeneratorTest#dracutTree}). */
    public static Path createDracut(Path root) throws IOException {
        return InitrdGeneratorTest.dracutTree(root);
    }

    /** {@code root} made runnable through chroot, with these tools (see {@link DebianTree#chrootable}). */
    public static Path chrootable(Path root, String... tools) throws IOException {
        return DebianTree.chrootable(root, tools);
    }

    public static List<String> describe(Path root) throws IOException {
        return DebianTree.describe(root);
    }

    public static String read(Path root, String relative) throws IOException {
        return DebianTree.read(root, relative);
    }
}

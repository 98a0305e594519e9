package io.overlayboot.helper;

import java.util.ArrayList;
import java.util.List;

/**
 * The rewrite of the protected system's {@code /etc/fstab}: the root line goes (the root is the
 * union now, and systemd must not remount it from the disk), and so do the swap lines unless
 * {@code swap=1}. Comments, blank lines and every other entry stay as they were.
 */
final class Fstab {
    private Fstab() {}

    static String rewrite(String fstab, boolean keepSwap) {
        List<String> kept = new ArrayList<>();
        for (String line : fstab.split("\n", -1)) {
            String[] fields = fields(line);
            if (fields.length >= 3 && (fields[1].equals("/") || (!keepSwap && fields[2].equals("swap")))) {
                continue;
            }
            kept.add(line);
        }
        return String.join("\n", kept);
    }

    private static String[] fields(String line) {
        String s = line.strip();
        if (s.isEmpty() || s.startsWith("#")) {
            return new String[0];
        }
        return s.split("[ \t]+");
    }
}

package io.overlayboot.initramfs;

import java.util.ArrayList;
import java.util.List;

/**
 * initramfs-tools' {@code scripts/init-bottom/ORDER}: for each script a line
 * {@code /scripts/init-bottom/NAME "$@"} followed by {@code [ -e /conf/param.conf ] && . /conf/param.conf}.
 * The merged file keeps every other script in its order and runs overlayboot last.
 */
final class OrderFile {
    static final String PARAM = "[ -e /conf/param.conf ] && . /conf/param.conf";
    static final String SELF = "/scripts/init-bottom/overlayboot \"$@\"";

    private OrderFile() {}

    /** {@code existing} (may be null) with any overlayboot line removed and overlayboot appended. */
    static String merge(String existing) {
        List<String> out = new ArrayList<>();
        List<String> lines = existing == null ? List.of() : existing.lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.trim().startsWith("/scripts/init-bottom/overlayboot ") || line.trim().equals("/scripts/init-bottom/overlayboot")) {
                if (i + 1 < lines.size() && lines.get(i + 1).trim().equals(PARAM)) {
                    i++;
                }
                continue;
            }
            out.add(line);
        }
        while (!out.isEmpty() && out.getLast().isBlank()) {
            out.removeLast();
        }
        out.add(SELF);
        out.add(PARAM);
        return String.join("\n", out) + "\n";
    }
}

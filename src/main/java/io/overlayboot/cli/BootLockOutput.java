package io.overlayboot.cli;

import io.overlayboot.core.Json;
import io.overlayboot.grub.BootLock;
import java.util.ArrayList;
import java.util.List;

/** The result of {@code lock-boot} and {@code unlock-boot}, as text or as JSON (docs/json.md). */
final class BootLockOutput {
    private BootLockOutput() {}

    static Rendered rendered(BootLock.Outcome o) {
        List<String> lines = new ArrayList<>(o.changes());
        lines.add(o.locked() ? "boot menu: locked (GRUB user " + o.user() + ")" : "boot menu: not locked");
        return Rendered.lines(lines, () -> Json.object("root", o.root().toString(), "lower", o.lower(), "locked", o.locked(),
                "user", o.user(), "changes", o.changes(), "commands", o.commands(), "bootChain", o.bootChain().jsonName()));
    }
}

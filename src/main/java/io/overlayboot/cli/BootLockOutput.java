package io.overlayboot.cli;

import io.overlayboot.core.Json;
import io.overlayboot.grub.BootLock;

/** The result of {@code lock-boot} and {@code unlock-boot}, as text or as JSON (docs/json.md). */
final class BootLockOutput {
    private BootLockOutput() {}

    static void print(Output out, boolean json, BootLock.Outcome o) {
        if (json) {
            out.json(Json.object("root", o.root().toString(), "lower", o.lower(), "locked", o.locked(), "user", o.user(),
                    "changes", o.changes(), "commands", o.commands(), "bootChain", o.bootChain().jsonName()));
            return;
        }
        o.changes().forEach(out::line);
        out.line(o.locked() ? "boot menu: locked (GRUB user " + o.user() + ")" : "boot menu: not locked");
    }
}

package io.overlayboot.nextboot;

import io.overlayboot.guard.CheckReport;
import io.overlayboot.guard.OneShot;
import io.overlayboot.maintain.Layout;
import io.overlayboot.maintain.Session;
import io.overlayboot.runtime.Status;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * {@code overlayboot next-boot writable|protected|default} on a system: where the choice is written
 * and what is pending afterwards. On a protected root the files live on the lower layer, so the
 * choice is made inside a maintenance {@link Session} (the lower remounted read-write for that
 * write only, {@code /boot} bound in when it is separate, everything undone at the end, a killed
 * run cleaned up by the next); on a plain root, a chroot or an image it is written directly.
 * {@link OneShot} holds the rules.
 *
 * @param done what was done
 * @param pending what the next boot will be now, read back; empty: the default
 */
public record NextBootChoice(OneShot.Done done, Optional<OneShot.Pending> pending) {
    /** Makes {@code choice} for the system whose {@code /} is {@code root}, reading {@code mounts}. */
    public static NextBootChoice make(Path root, Path mounts, OneShot.Choice choice, Consumer<String> note) throws IOException {
        OneShot.Done done;
        if (Status.read(root, mounts).protectedNow()) {
            Layout layout = Layout.of(root, mounts);
            try (Session session = Session.open(layout, note)) {
                done = OneShot.choose(session.lower(), choice);
            }
        } else {
            done = OneShot.choose(root, choice);
        }
        return new NextBootChoice(done, OneShot.pending(root));
    }

    /** The lines for people. */
    public List<String> lines() {
        String now = pending.map(p -> "next boot: " + p.describe()).orElse("next boot: the default (no one-shot choice pending)");
        String how = switch (done.via()) {
            case "grubenv" -> done.entry().isEmpty() ? "GRUB's next_entry cleared" : "GRUB's next_entry set to '" + done.entry() + "'";
            default -> done.choice() == OneShot.Choice.DEFAULT ? "the flag /" + OneShot.FLAG + " removed" : "the flag /" + OneShot.FLAG
                    + " written; the boot script reads and removes it";
        };
        return List.of(now, done.changed() ? how : "nothing to change");
    }

    /** The JSON object of {@code next-boot --json} (docs/json.md). */
    public Map<String, Object> json() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("choice", done.choice().word());
        m.put("via", done.via());
        m.put("entry", done.entry().isEmpty() ? null : done.entry());
        m.put("changed", done.changed());
        m.put("before", CheckReport.oneShot(done.before()));
        m.put("pending", CheckReport.oneShot(pending.orElse(null)));
        return m;
    }
}

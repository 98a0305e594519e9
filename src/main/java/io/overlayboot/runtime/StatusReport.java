package io.overlayboot.runtime;

import io.overlayboot.guard.CheckReport;
import io.overlayboot.guard.NextBoot;
import io.overlayboot.guard.Outcome;
import io.overlayboot.settings.OutsideText;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code status} says: the {@link Status} of now, the settings in force, and the verdict of
 * the next boot beside it; as text, or as the versioned JSON object whose schema is in
 * {@code docs/json.md}.
 *
 * @param status what is true right now
 * @param parameters the settings in force and where each came from
 * @param nextBoot what the next boot will do
 * @param persisted the persisted paths the boot recorded, each with whether it is in force now
 */
public record StatusReport(Status status, List<Parameters.Parameter> parameters, NextBoot nextBoot, PersistedPaths persisted) {
    /** The version of the JSON object; raised when a field is removed or changes meaning or type. */
    public static final int SCHEMA_VERSION = 1;

    public StatusReport {
        parameters = List.copyOf(parameters);
    }

    /** True when / is protected now but the next boot will not protect it. */
    public boolean unprotectedNextBoot() {
        return status.protectedNow() && nextBoot.outcome() == Outcome.UNPROTECTED;
    }

    /** What is worth a look: the boot's warnings, an upper layer nearly full. */
    public List<String> warnings() {
        List<String> w = new ArrayList<>();
        String boot = status.state().get("warning");
        if (boot != null) {
            boot.lines().forEach(w::add);
        }
        status.upper().ifPresent(u -> u.percentUsed().filter(p -> p >= 90).ifPresent(p -> w.add("the upper layer " + u.mountPoint()
                + " is " + p + "% full: writes will fail with 'No space left on device' when it is full")));
        return w;
    }

    /** The text for people: now, then the next boot, then the settings that are not the default. */
    public List<String> lines() {
        List<String> lines = new ArrayList<>(status.describe());
        lines.addAll(persisted.describe());
        // loops, not streams: the first stream of a JVM costs status ~1 ms of set-up (StreamOpFlag)
        for (String l : CheckReport.lines(nextBoot)) {
            if (l.startsWith("next boot: ")) {
                lines.add(l);
            }
        }
        List<String> set = new ArrayList<>();
        for (Parameters.Parameter p : parameters) {
            if (p.source() != Parameters.Source.DEFAULT) {
                set.add(p.name() + "=" + p.value() + " (" + p.source().label() + ")");
            }
        }
        if (!set.isEmpty()) {
            lines.add(OutsideText.escape("settings: " + String.join(", ", set)));
        }
        return lines;
    }

    /** The JSON object of {@code status --json}. */
    public Map<String, Object> json() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("schemaVersion", SCHEMA_VERSION);
        m.put("protected", status.protectedNow());
        m.put("rootType", status.rootType());
        m.put("driver", status.protectedNow() ? status.rootType() : null);
        m.put("lower", status.lower().map(this::layer).orElse(null));
        m.put("upper", status.upper().map(this::layer).orElse(null));
        m.put("ramBytes", status.ramBytes());
        List<Object> params = new ArrayList<>();
        for (Parameters.Parameter p : parameters) {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("name", p.name());
            x.put("value", p.value());
            x.put("source", p.source().label());
            params.add(x);
        }
        m.put("parameters", params);
        Map<String, Object> next = new LinkedHashMap<>();
        next.put("verdict", nextBoot.outcome().label());
        next.put("reasons", CheckReport.reasons(nextBoot.reasons()));
        next.put("warnings", nextBoot.warnings());
        next.put("entry", nextBoot.entry() == null ? null : nextBoot.entry().title());
        next.put("kernel", nextBoot.kernel() == null ? null : nextBoot.kernel().version());
        next.put("oneShot", CheckReport.oneShot(nextBoot.oneShot()));
        m.put("nextBoot", next);
        m.put("warnings", warnings());
        m.put("boot", status.state());
        m.put("persisted", persisted.json());
        return m;
    }

    private Map<String, Object> layer(Status.Layer l) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("mountPoint", l.mountPoint());
        m.put("device", l.device().isEmpty() ? null : l.device());
        m.put("type", l.type().isEmpty() ? null : l.type());
        m.put("sizeBytes", l.size());
        m.put("usedBytes", l.used());
        m.put("freeBytes", l.free());
        boolean inRam = l.type().equals("tmpfs") && status.ramBytes() > 0;
        m.put("sizeRamShare", inRam ? share(l.size()) : null);
        m.put("usedRamShare", inRam ? share(l.used()) : null);
        return m;
    }

    private double share(long bytes) {
        return Math.round(1000.0 * bytes / status.ramBytes()) / 1000.0;
    }
}

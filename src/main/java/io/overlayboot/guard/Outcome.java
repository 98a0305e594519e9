package io.overlayboot.guard;

import java.util.List;

/** The verdict on a boot: protected, not protected, or overlayboot cannot tell. */
public enum Outcome {
    PROTECTED("protected"),
    UNPROTECTED("unprotected"),
    UNKNOWN("unknown");

    private final String label;

    Outcome(String label) {
        this.label = label;
    }

    /** The word in JSON output. */
    public String label() {
        return label;
    }

    /** Not protected when any reason says so, unknown when the only reasons are unknowns, else protected. */
    static Outcome of(List<Reason> reasons) {
        for (Reason r : reasons) {
            if (!r.unknown()) {
                return UNPROTECTED;
            }
        }
        return reasons.isEmpty() ? PROTECTED : UNKNOWN;
    }
}

package io.overlayboot.install;

import io.overlayboot.core.ExitCode;
import io.overlayboot.core.OverlaybootException;
import java.io.Console;

/** Asks the user before anything on the target changes; {@code --yes} answers for them. */
@FunctionalInterface
public interface Confirmation {
    /** True to go on. */
    boolean confirm(String question);

    /** Always yes: {@code --yes}. */
    Confirmation YES = q -> true;

    /** Always yes: {@code --yes}. */
    static Confirmation yes() {
        return YES;
    }

    /** Asks on the terminal; refuses (ABORTED) when there is none to ask on. */
    static Confirmation terminal() {
        return question -> {
            Console console = System.console();
            if (console == null || !console.isTerminal()) {
                throw new OverlaybootException(ExitCode.ABORTED, "Not changing anything without confirmation,"
                        + " and there is no terminal to ask on", "review the changes with --dry-run, then run again with --yes");
            }
            String answer = console.readLine("%s [y/N] ", question);
            return answer != null && (answer.strip().equalsIgnoreCase("y") || answer.strip().equalsIgnoreCase("yes"));
        };
    }
}

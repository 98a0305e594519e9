package io.overlayboot.install;

import java.util.List;

/**
 * What an install, uninstall or configure did (or, on a dry run, would do).
 *
 * @param changes each file touched, as {@code create|change|remove PATH}
 * @param commands the boot-chain commands, as shown to the user
 * @param bootChain what became of those commands
 */
public record Result(boolean dryRun, List<String> changes, List<String> commands, BootChainOutcome bootChain) {
    public Result {
        changes = List.copyOf(changes);
        commands = List.copyOf(commands);
    }
}

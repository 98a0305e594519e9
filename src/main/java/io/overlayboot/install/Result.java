package io.overlayboot.install;

import java.util.List;

/**
 * What an install, uninstall, configure, enable or disable did (or, on a dry run, would do): the
 * value {@link Apply} returns, which the CLI prints once, as {@link #lines()} or as JSON
 * ({@code docs/json.md}). Progress went to the {@link Log} while the run went on; this is what
 * stays.
 *
 * @param changes each file touched, as {@code create|change|remove PATH}
 * @param commands the boot-chain commands, as shown to the user
 * @param bootChain what became of those commands
 * @param lines the result as a person reads it: the plan ({@code --dry-run}: each change's diff,
 *     the commands, a count), or each file written or removed under the target's path and what the
 *     target is now, or the one line that says there was nothing to do
 */
public record Result(boolean dryRun, List<String> changes, List<String> commands, BootChainOutcome bootChain,
        List<String> lines) {
    public Result {
        changes = List.copyOf(changes);
        commands = List.copyOf(commands);
        lines = List.copyOf(lines);
    }
}

package io.overlayboot.install;

import io.overlayboot.core.ExitCode;
import io.overlayboot.core.OverlaybootException;
import io.overlayboot.render.RenderRequest;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * {@code enable} and {@code disable} on a machine where the Debian package carries the boot files
 * (see {@link Packaged}): {@link Apply} with {@link Planner#enable} or {@link Planner#disable}, and
 * the rollback of a first {@code enable} whose boot chain failed. Such a run has written its files
 * (the GRUB parameter, the config's settings) but the initrds or GRUB's menu do not match them; it
 * puts every file back byte for byte, as {@code disable} would, and ends with EXTERNAL_FAILURE
 * saying so, with what it wrote and put back as its result ({@link Unfinished}). An {@code enable}
 * that changes an enabled machine's settings is not rolled back: the previous settings are gone
 * from disk, the new ones stay, and the message says to run it again.
 */
public final class Enabling {
    private Enabling() {}

    /**
     * {@code overlayboot enable}: the GRUB parameter (or {@code mode=}) and the settings; the initrds
     * rebuilt. A first enable whose boot chain fails is rolled back and ends with {@link Unfinished}
     * carrying what was written and then put back.
     */
    public static Result enable(RunContext ctx, RenderRequest request) {
        boolean first = ctx.dryRun() || Manifest.load(ctx.target().root()).isEmpty();
        try {
            return new Apply(ctx).run(Planner.enable(request));
        } catch (OverlaybootException e) {
            Optional<Manifest> written = ctx.dryRun() ? Optional.empty() : Manifest.load(ctx.target().root());
            if (e.exitCode() != ExitCode.EXTERNAL_FAILURE || !first || written.filter(Manifest::packaged).isEmpty()) {
                throw e;
            }
            List<String> rolledBack = rollBack(ctx, e, written.get());
            throw new Unfinished(Stream.concat(done(e).stream(), rolledBack.stream()).toList(), new OverlaybootException(
                    ExitCode.EXTERNAL_FAILURE, e.getMessage() + "; rolled back: every file enable changed is as it was and"
                    + " protection is not enabled", "fix the cause, then run 'overlayboot enable' again", e));
        }
    }

    /** {@code overlayboot disable}; {@code fromPackage}: run by the package's prerm (see {@link DisablePlanner}). */
    public static Result disable(RunContext ctx, boolean fromPackage) {
        return new Apply(ctx).run(Planner.disable(fromPackage));
    }

    /** Puts back what the failed enable wrote; returns what that did, as {@link Result#lines()}. */
    private static List<String> rollBack(RunContext ctx, OverlaybootException cause, Manifest written) {
        ctx.log().warn("enable failed (" + cause.getMessage() + "); rolling back");
        RunContext again = new RunContext(ctx.target(), ctx.log(), Confirmation.yes(), false, false, ctx.lockDir(), ctx.lockWait());
        List<String> lines;
        try {
            lines = new Apply(again).run(new DisablePlanner(false, false)).lines();
        } catch (OverlaybootException r) {
            throw new Unfinished(Stream.concat(done(cause).stream(), done(r).stream()).toList(), new OverlaybootException(
                    ExitCode.EXTERNAL_FAILURE, cause.getMessage() + "; rolling back failed too: " + r.getMessage(),
                    "run 'overlayboot disable --force' once the cause is fixed", cause));
        }
        // The config went into the initrds only if the generator ran through; rebuild them from the
        // restored config when it was changed, and say so if that fails too.
        if (written.entry(Packaged.CONFIG).isPresent()) {
            try {
                new BootChain(ctx.target(), ctx.log()).run(InitrdGenerator.rebuild(ctx.target(),
                        InitrdGenerator.detect(ctx.target())));
            } catch (OverlaybootException r) {
                ctx.log().warn("rebuilding the initrds from the restored " + ctx.target().show(Packaged.CONFIG)
                        + " failed too; the previous initrds are kept where the generator left them");
            }
        }
        return lines;
    }

    /** What the run that threw {@code e} did: its lines when it is {@link Unfinished}, else none. */
    private static List<String> done(OverlaybootException e) {
        return e instanceof Unfinished u ? u.done() : List.of();
    }
}

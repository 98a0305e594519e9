package io.overlayboot.cli;

import io.overlayboot.core.Version;
import picocli.CommandLine;

/** Gives picocli's {@code --version} the version Maven stamped into the jar. */
public final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        return new String[] {line()};
    }

    /** The one line {@code overlayboot --version} prints. */
    static String line() {
        return "overlayboot " + Version.version();
    }
}

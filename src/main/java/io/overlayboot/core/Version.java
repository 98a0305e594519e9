package io.overlayboot.core;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * The version Maven stamped into the jar's manifest ({@code Implementation-Version}) or, where the
 * classes do not come from the jar (tests), into {@code version.properties}; "unknown" when neither
 * can be read. The manifest comes first: the JVM has read it already to define the package, while
 * a resource lookup searches the JDK's modules first and opens the runtime image for it, a
 * measurable part of {@code overlayboot --version}'s start.
 */
public final class Version {
    private Version() {}

    public static String version() {
        String stamped = Version.class.getPackage().getImplementationVersion();
        if (stamped != null) {
            return stamped;
        }
        try (InputStream in = Version.class.getResourceAsStream("/io/overlayboot/version.properties")) {
            if (in == null) {
                return "unknown";
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }
}

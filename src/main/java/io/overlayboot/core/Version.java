package io.overlayboot.core;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The version Maven stamped into {@code version.properties}; "unknown" when it cannot be read. */
public final class Version {
    private Version() {}

    public static String version() {
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

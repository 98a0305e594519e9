package io.overlayboot.initramfs;

import java.nio.charset.StandardCharsets;

/** Test support for other packages: hostile archives. */
public final class TestArchives {
    private TestArchives() {}

    /** An archive of empty files whose names are given as Latin-1 strings, one byte per char. */
    public static byte[] rawNames(String... names) {
        java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
        for (String n : names) {
            byte[] nb = (n + "\0").getBytes(StandardCharsets.ISO_8859_1);
            b.writeBytes(String.format("070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X",
                    1, 0100644, 0, 0, 1, 0, 0, 0, 0, 0, 0, nb.length, 0).getBytes(StandardCharsets.US_ASCII));
            b.writeBytes(nb);
            b.writeBytes(new byte[NewcReader.pad4(110 + nb.length)]);
        }
        b.writeBytes(new RawCpio().finish());
        return b.toByteArray();
    }
}

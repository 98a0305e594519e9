package io.overlayboot.initramfs;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Writes arbitrary (also hostile) newc archives for tests: any name, mode, data, nlink, rdev. */
final class RawCpio {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private int ino = 1;

    RawCpio add(String name, int mode, String data) {
        return add(name, mode, data.getBytes(StandardCharsets.UTF_8), 1, 0, 0, ino++);
    }

    RawCpio add(String name, int mode, byte[] data, int nlink, int rdevMajor, int rdevMinor, int inode) {
        byte[] n = (name + "\0").getBytes(StandardCharsets.UTF_8);
        StringBuilder h = new StringBuilder("070701");
        for (long v : new long[] {inode, mode, 0, 0, nlink, 0, data.length, 0, 0, rdevMajor, rdevMinor, n.length, 0}) {
            h.append(String.format("%08X", v));
        }
        out.writeBytes(h.toString().getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(n);
        out.writeBytes(new byte[NewcReader.pad4(110 + n.length)]);
        out.writeBytes(data);
        out.writeBytes(new byte[NewcReader.pad4(data.length)]);
        return this;
    }

    byte[] finish() {
        add("TRAILER!!!", 0, new byte[0], 1, 0, 0, 0);
        return out.toByteArray();
    }
}

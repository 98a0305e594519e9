package io.overlayboot.initramfs;

import java.io.IOException;

/**
 * Finds where a zstd frame ends by walking its block headers, without decompressing. The kernel
 * decodes one frame per segment, so the next segment starts right after it.
 */
final class ZstdFrame {
    private ZstdFrame() {}

    static long end(ChannelInput in, long start) throws IOException {
        long size = in.size();
        byte[] h = readAt(in, start, 6, start);
        int fhd = h[4] & 0xff;
        int fcsFlag = fhd >>> 6;
        boolean singleSegment = (fhd & 0x20) != 0;
        boolean checksum = (fhd & 0x04) != 0;
        if ((fhd & 0x08) != 0) {
            throw new ArchiveFormatException(String.format("zstd frame at offset %d: reserved header bit set", start));
        }
        int dictIdSize = new int[] {0, 1, 2, 4}[fhd & 3];
        int fcsSize = fcsFlag == 0 ? (singleSegment ? 1 : 0) : new int[] {0, 2, 4, 8}[fcsFlag];
        long p = start + 5 + (singleSegment ? 0 : 1) + dictIdSize + fcsSize;
        while (true) {
            byte[] b = readAt(in, p, 3, start);
            int bh = (b[0] & 0xff) | (b[1] & 0xff) << 8 | (b[2] & 0xff) << 16;
            boolean last = (bh & 1) != 0;
            int type = (bh >>> 1) & 3;
            long blockSize = bh >>> 3;
            if (type == 3) {
                throw new ArchiveFormatException(String.format(
                        "zstd frame at offset %d: block at offset %d has the reserved type", start, p));
            }
            if (blockSize > 128 * 1024) {
                throw new ArchiveFormatException(String.format(
                        "zstd frame at offset %d: block at offset %d declares %d bytes, more than 128 KiB", start, p, blockSize));
            }
            p += 3 + (type == 1 ? 1 : blockSize);
            if (p > size) {
                throw new ArchiveFormatException(String.format(
                        "zstd frame at offset %d is truncated: a block needs data up to offset %d, the file ends at %d",
                        start, p, size));
            }
            if (last) {
                break;
            }
        }
        p += checksum ? 4 : 0;
        if (p > size) {
            throw new ArchiveFormatException(String.format(
                    "zstd frame at offset %d is truncated: its checksum ends past the file end at %d", start, size));
        }
        in.seek(start);
        return p;
    }

    private static byte[] readAt(ChannelInput in, long at, int n, long frame) throws IOException {
        in.seek(at);
        byte[] b = in.peek(n);
        if (b.length < n) {
            throw new ArchiveFormatException(String.format(
                    "zstd frame at offset %d is truncated: header at offset %d needs %d bytes, the file ends at %d",
                    frame, at, n, in.size()));
        }
        return b;
    }
}

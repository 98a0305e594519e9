package io.overlayboot.initramfs;

import com.github.luben.zstd.ZstdOutputStreamNoFinalizer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Locale;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.LZMAInputStream;
import org.tukaani.xz.SingleXZInputStream;
import org.tukaani.xz.XZOutputStream;

/**
 * The segment formats the kernel's initramfs unpacker accepts, recognised by their magic bytes.
 * Each knows how to decode one segment from a {@link ChannelInput} so that the input ends up
 * right after it; the ones {@code pack} can write also know how to encode.
 */
public enum Compression {
    NONE("none", 0, 0, 0),
    GZIP("gzip", 9, 1, 9),
    ZSTD("zstd", 3, 1, 19),
    XZ("xz", 6, 0, 9),
    LZMA("lzma", -1, 0, 0),
    LZ4("lz4", 9, 1, 12),
    BZIP2("bzip2", -1, 0, 0);

    /** Memory the xz and lzma decoders may use; a hostile header asking for more is refused. */
    static final int DECODER_MEMORY_KIB = 256 * 1024;

    private final String label;
    private final int defaultLevel;
    private final int minLevel;
    private final int maxLevel;

    Compression(String label, int defaultLevel, int minLevel, int maxLevel) {
        this.label = label;
        this.defaultLevel = defaultLevel;
        this.minLevel = minLevel;
        this.maxLevel = maxLevel;
    }

    public String label() {
        return label;
    }

    public int defaultLevel() {
        return defaultLevel;
    }

    /** The lowest level {@code pack --level} accepts for this format (none has only 0). */
    public int minLevel() {
        return minLevel;
    }

    /** The highest level {@code pack --level} accepts for this format. */
    public int maxLevel() {
        return maxLevel;
    }

    /** Whether {@code level} is one this format can write; {@link #NONE} takes any, as it ignores it. */
    public boolean acceptsLevel(int level) {
        return this == NONE || (level >= minLevel && level <= maxLevel);
    }

    public boolean canWrite() {
        return defaultLevel >= 0;
    }

    /** Parses a {@code --compress} value. */
    public static Compression parse(String s) {
        for (Compression c : values()) {
            if (c.label.equals(s.toLowerCase(Locale.ROOT)) && c.canWrite()) {
                return c;
            }
        }
        throw new IllegalArgumentException("'" + s + "' is not one of zstd, gzip, xz, lz4, none");
    }

    /** The format whose magic starts {@code b}, or null. */
    static Compression detect(byte[] b) {
        if (starts(b, '0', '7', '0', '7', '0') && b.length >= 6 && (b[5] == '1' || b[5] == '2')) {
            return NONE;
        }
        if (starts(b, 0x1f, 0x8b)) return GZIP;
        if (starts(b, 0x28, 0xb5, 0x2f, 0xfd)) return ZSTD;
        if (starts(b, 0xfd, '7', 'z', 'X', 'Z', 0)) return XZ;
        if (starts(b, 0x5d, 0, 0)) return LZMA;
        if (starts(b, 0x02, 0x21, 0x4c, 0x18)) return LZ4;
        if (starts(b, 'B', 'Z', 'h')) return BZIP2;
        return null;
    }

    private static boolean starts(byte[] b, int... magic) {
        if (b.length < magic.length) {
            return false;
        }
        for (int i = 0; i < magic.length; i++) {
            if ((b[i] & 0xff) != magic[i]) {
                return false;
            }
        }
        return true;
    }

    /**
     * Opens the decoder for a segment starting at {@code in.position()}. Reading it to the end
     * leaves {@code in} right after the segment. Not for {@link #NONE}. A zstd segment is decoded
     * {@code ahead} of the reader on a thread of its own when asked ({@link ZstdSegmentInput}); the
     * other formats always decode on the reader's thread.
     */
    InputStream decoder(ChannelInput in, boolean ahead) throws IOException {
        return switch (this) {
            case GZIP -> new GzipMemberInput(in);
            case ZSTD -> new ZstdSegmentInput(in, ahead);
            case XZ -> new SingleXZInputStream(in, DECODER_MEMORY_KIB);
            case LZMA -> new LZMAInputStream(in, DECODER_MEMORY_KIB);
            case LZ4 -> new Lz4Legacy.Input(in);
            case BZIP2 -> new BZip2CompressorInputStream(in, false);
            case NONE -> throw new IllegalStateException("an uncompressed segment has no decoder");
        };
    }

    /** Wraps {@code out} in this format's encoder; closing the result finishes the segment. */
    public OutputStream encoder(OutputStream out, int level) throws IOException {
        return switch (this) {
            case NONE -> out;
            case GZIP -> new GZIPOutputStream(out, 1 << 16) {
                {
                    def.setLevel(Math.max(Deflater.BEST_SPEED, Math.min(level, Deflater.BEST_COMPRESSION)));
                }
            };
            case ZSTD -> {
                ZstdOutputStreamNoFinalizer z = new ZstdOutputStreamNoFinalizer(out, level);
                z.setChecksum(true);
                // A fixed worker count keeps the output identical on every machine.
                z.setWorkers(2);
                yield z;
            }
            case XZ -> new XZOutputStream(out, new LZMA2Options(Math.max(0, Math.min(level, 9))), org.tukaani.xz.XZ.CHECK_CRC32);
            case LZ4 -> new Lz4Legacy.Output(out, level);
            case LZMA, BZIP2 -> throw new IllegalStateException(label + " is read-only here");
        };
    }
}

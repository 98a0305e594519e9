package io.overlayboot.initramfs;

/**
 * One piece of an initrd as the kernel unpacks it: a cpio archive, plain or compressed, or a run
 * of zero padding between them.
 *
 * @param offset where the segment starts in the file
 * @param length its length in the file
 * @param format a {@link Compression} label ({@code none} for plain cpio) or {@code padding}
 * @param entries the entries it holds (trailers not counted)
 * @param cpioBytes the length of its cpio data after decompression
 */
public record Segment(int index, long offset, long length, String format, long entries, long cpioBytes) {
    public static final String PADDING = "padding";

    public boolean isPadding() {
        return PADDING.equals(format);
    }
}

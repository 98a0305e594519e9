package io.overlayboot.helper;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HexFormat;
import java.util.Optional;

/**
 * The label and UUID of an ext2/3/4 filesystem, read from its superblock (1024 bytes in; magic
 * 0xEF53 at 0x38, UUID at 0x68, volume name at 0x78). Used to find {@code LABEL=} and {@code UUID=}
 * devices when neither udev's {@code /dev/disk/by-*} links nor {@code blkid} are there.
 *
 * @param label the volume name, empty when none
 * @param uuid the UUID in its usual 8-4-4-4-12 lower-case form
 * @param type ext2, ext3 (a journal) or ext4 (any ext4-only feature), as blkid names them
 */
record ExtSuperblock(String label, String uuid, String type) {
    // ext4-only features: incompat extents, 64bit, mmp, flex_bg, ...; ro_compat huge_file, gdt_csum, dir_nlink, extra_isize, metadata_csum
    private static final int EXT4_INCOMPAT = 0x40 | 0x80 | 0x100 | 0x200 | 0x400 | 0x1000 | 0x8000 | 0x10000;
    private static final int EXT4_RO_COMPAT = 0x8 | 0x10 | 0x20 | 0x40 | 0x400;
    private static final int HAS_JOURNAL = 0x4;
    private static final int OFFSET = 1024;
    private static final int MAGIC = 0xEF53;

    static Optional<ExtSuperblock> read(Path device) {
        try (FileChannel channel = FileChannel.open(device, StandardOpenOption.READ)) {
            ByteBuffer sb = ByteBuffer.allocate(256).order(ByteOrder.LITTLE_ENDIAN);
            while (sb.hasRemaining()) {
                if (channel.read(sb, OFFSET + sb.position()) < 0) {
                    return Optional.empty();
                }
            }
            if ((sb.getShort(0x38) & 0xFFFF) != MAGIC) {
                return Optional.empty();
            }
            byte[] uuid = new byte[16];
            sb.get(0x68, uuid);
            byte[] name = new byte[16];
            sb.get(0x78, name);
            int length = 0;
            while (length < name.length && name[length] != 0) {
                length++;
            }
            String type = (sb.getInt(0x60) & EXT4_INCOMPAT) != 0 || (sb.getInt(0x64) & EXT4_RO_COMPAT) != 0 ? "ext4"
                    : (sb.getInt(0x5C) & HAS_JOURNAL) != 0 ? "ext3" : "ext2";
            return Optional.of(new ExtSuperblock(new String(name, 0, length, StandardCharsets.UTF_8), format(uuid), type));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static String format(byte[] uuid) {
        String hex = HexFormat.of().formatHex(uuid);
        return hex.substring(0, 8) + "-" + hex.substring(8, 12) + "-" + hex.substring(12, 16) + "-"
                + hex.substring(16, 20) + "-" + hex.substring(20);
    }
}

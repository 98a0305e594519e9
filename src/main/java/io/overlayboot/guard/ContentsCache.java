package io.overlayboot.guard;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;

/**
 * What the check found in a set of initrd files ({@link InitrdContents}), kept in one small file per
 * set under {@code /run/overlayboot/initrds/} of the running system, so that {@code status}, which
 * fleets poll, does not decompress every installed kernel's initrd (30-70 MB of zstd each on
 * Debian) at every call: measured on a protected Debian 12 machine with GRUB and two kernels
 * ({@code bench/status-machine.sh}, 30 MB zstd initrds), that was ~500 ms of CPU per {@code status}
 * against ~50 ms for all the rest; with the entries, the two kernels' checks take a few ms.
 *
 * <p>Why a cache and not reading less: the check must know what is <em>not</em> in an initrd (a
 * missing boot script, config or module), that the archive is whole to its end (a truncated initrd
 * cannot be told about), and what a later entry replaces; all three need every entry. And even
 * where everything is present, Debian's {@code mkinitramfs} writes the entries sorted, so the boot
 * library ({@code usr/share/overlayboot/overlayboot-functions}) is the last one of the archive:
 * stopping once everything needed was found would save nothing on a protected machine.
 *
 * <p>What is kept is what was found in the initrds, not the verdict: the verdict also depends on
 * the boot entry's command line, {@code /etc/overlayboot.conf} and the kernel's modules, which are
 * small and read at every call, so a change to any of them shows at once.
 *
 * <p>When an entry is used: it names every file of the set by the path the target sees, device,
 * inode, size, mtime and ctime (nanoseconds), and all of them must match the files now. Rewriting
 * an initrd in place changes its ctime, which no program can set back short of setting the clock
 * back ({@code touch -d} sets mtime, and ctime becomes now); replacing it ({@code update-initramfs} writes a new file and
 * renames it) changes the inode; {@code /run} is a tmpfs, so no entry outlives a boot. The entry
 * also names the questions it answers ({@link InitrdContents#QUERIES} and the module pattern): a
 * newer overlayboot that asks something else finds it incomplete and reads the initrds again. An
 * entry that is damaged (its CRC32, its format), is not a regular file, is writable by others than
 * its owner, or is owned by someone other than root or this user, is ignored and the initrds are
 * read again. Nor does an entry let a user learn more than reading the initrds would: it is used
 * only when every initrd of its set is readable by this user, and only its owner can read it
 * unless every initrd can be read by everyone.
 *
 * <p>An entry is written after a full read, only when the files did not change during it and the
 * directory can be made and written; every failure to write is ignored: the cache is never
 * required.
 */
final class ContentsCache {
    /** Where the entries are, under the running system's root. */
    static final String DIR = "run/overlayboot/initrds";

    private static final String FORMAT = "overlayboot initrd contents 1";
    private static final Base64.Encoder ENCODE = Base64.getEncoder();
    private static final Base64.Decoder DECODE = Base64.getDecoder();

    private final Path root;

    /** The cache of the running system whose {@code /} is {@code root}: {@code ROOT/run/overlayboot/initrds}. */
    static ContentsCache of(Path root) {
        return new ContentsCache(root);
    }

    private ContentsCache(Path root) {
        this.root = root;
    }

    /**
     * The contents of {@code files} (named {@code shown} as the target sees them): from the entry
     * for them when it matches them, else read in full ({@link InitrdContents#read}) and kept.
     */
    InitrdContents contents(List<String> shown, List<Path> files) throws IOException {
        List<String> keys = keys(files);
        Path kept = keys == null ? null : directory(false);
        if (kept != null) {
            Optional<InitrdContents> found = load(kept.resolve(name(shown)), shown, keys, files);
            if (found.isPresent()) {
                return found.get();
            }
        }
        InitrdContents read = InitrdContents.read(files);
        if (keys != null && keys.equals(keys(files))) {
            store(name(shown), shown, keys, files, read);
        }
        return read;
    }

    /**
     * {@code ROOT/run/overlayboot/initrds}, or null: {@code run} must be a directory, not a link,
     * and so must the two below it (made here, {@code rwxr-xr-x}, when {@code create}), owned by
     * root or this user and writable by their owner only, so that nobody else can put, swap or
     * remove an entry, and nothing is read or written through a link, in or out of the root.
     */
    private Path directory(boolean create) throws IOException {
        Path p = root.resolve("run");
        if (!plainDirectory(p, false)) {
            return null;
        }
        for (String name : new String[] {"overlayboot", "initrds"}) {
            p = p.resolve(name);
            if (create && Files.notExists(p, LinkOption.NOFOLLOW_LINKS)) {
                try {
                    Files.createDirectory(p, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
                } catch (java.nio.file.FileAlreadyExistsException raced) {
                    // checked below like any other
                }
            }
            if (!plainDirectory(p, true)) {
                return null;
            }
        }
        return p;
    }

    private static boolean plainDirectory(Path p, boolean guarded) throws IOException {
        Map<String, Object> a;
        try {
            a = Files.readAttributes(p, "unix:mode,uid", LinkOption.NOFOLLOW_LINKS);
        } catch (java.nio.file.NoSuchFileException e) {
            return false;
        }
        int mode = (Integer) a.get("mode");
        int uid = (Integer) a.get("uid");
        return (mode & 0170000) == 0040000 && (!guarded || (mode & 0022) == 0 && (uid == 0 || uid == ownUid()));
    }

    /** The identity and times of each file, one line each; null when one cannot be read. */
    private static List<String> keys(List<Path> files) {
        List<String> keys = new ArrayList<>();
        try {
            for (Path f : files) {
                Map<String, Object> a = Files.readAttributes(f, "unix:dev,ino,size,lastModifiedTime,ctime");
                keys.add(a.get("dev") + " " + a.get("ino") + " " + a.get("size") + " "
                        + nanos(a.get("lastModifiedTime")) + " " + nanos(a.get("ctime")));
            }
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return null;
        }
        return keys;
    }

    private static long nanos(Object time) {
        return ((FileTime) time).to(TimeUnit.NANOSECONDS);
    }

    /** The entry's file name: the initrds' paths with anything but letters, digits, {@code .-_+} as {@code _}. */
    static String name(List<String> shown) {
        String joined = String.join("+", shown);
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < joined.length() && s.length() < 200; i++) {
            char c = joined.charAt(i);
            boolean plain = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || ".-_+".indexOf(c) >= 0;
            s.append(plain ? c : '_');
        }
        int start = 0;
        while (start < s.length() && (s.charAt(start) == '_' || s.charAt(start) == '.')) {
            start++; // no hidden file, no "." or ".."
        }
        return start < s.length() ? s.substring(start) : "initrd";
    }

    /** The text an entry holds, without its last line (the CRC32 of this text). */
    private static String body(List<String> shown, List<String> keys, InitrdContents c) {
        StringBuilder s = new StringBuilder(FORMAT).append('\n');
        s.append("modules ").append(encode(InitrdContents.MODULES)).append('\n');
        for (int i = 0; i < shown.size(); i++) {
            s.append("file ").append(encode(shown.get(i))).append(' ').append(keys.get(i)).append('\n');
        }
        for (String q : new TreeSet<>(InitrdContents.QUERIES)) {
            s.append(c.present().contains(q) ? "has " : "lacks ").append(q).append('\n');
        }
        for (Map.Entry<String, String> t : new TreeMap<>(c.texts()).entrySet()) {
            s.append("text ").append(t.getKey()).append(' ').append(encode(t.getValue())).append('\n');
        }
        for (String m : new TreeSet<>(c.modules())) {
            s.append("module ").append(encode(m)).append('\n');
        }
        return s.toString();
    }

    private static String crc(String body) {
        CRC32 crc = new CRC32();
        crc.update(body.getBytes(StandardCharsets.UTF_8));
        return "crc " + Long.toHexString(crc.getValue()) + "\n";
    }

    private static Optional<InitrdContents> load(Path entry, List<String> shown, List<String> keys, List<Path> files) {
        try {
            for (Path f : files) {
                if (!Files.isReadable(f)) {
                    return Optional.empty(); // this user cannot read it: no more than reading would say
                }
            }
            Map<String, Object> a = Files.readAttributes(entry, "unix:uid,mode", LinkOption.NOFOLLOW_LINKS);
            int mode = (Integer) a.get("mode");
            int uid = (Integer) a.get("uid");
            if ((mode & 0170000) != 0100000 || (mode & 0022) != 0 || uid != 0 && uid != ownUid()) {
                return Optional.empty();
            }
            String text;
            try (var channel = Files.newByteChannel(entry, java.util.Set.of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS))) {
                text = new String(java.nio.channels.Channels.newInputStream(channel).readAllBytes(), StandardCharsets.UTF_8);
            }
            int last = text.lastIndexOf("crc ");
            if (last < 0 || !text.substring(last).equals(crc(text.substring(0, last)))) {
                return Optional.empty();
            }
            return parse(text.substring(0, last), shown, keys);
        } catch (IOException | RuntimeException e) {
            return Optional.empty(); // missing, unreadable or damaged: read the initrds
        }
    }

    /** The uid of this process: the owner of {@code /proc/self}. */
    private static int ownUid() throws IOException {
        return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
    }

    /** The contents an entry's text holds, when it is this format, for these files, and answers every query. */
    private static Optional<InitrdContents> parse(String body, List<String> shown, List<String> keys) {
        List<String> lines = new ArrayList<>();
        for (int at = 0, end; at < body.length(); at = end + 1) {
            end = body.indexOf('\n', at);
            if (end < 0) {
                return Optional.empty(); // the body ends with a line end
            }
            lines.add(body.substring(at, end));
        }
        if (lines.size() < 2 || !lines.get(0).equals(FORMAT)
                || !lines.get(1).equals("modules " + encode(InitrdContents.MODULES))) {
            return Optional.empty();
        }
        List<String> files = new ArrayList<>();
        Set<String> present = new TreeSet<>();
        Set<String> answered = new TreeSet<>();
        Map<String, String> texts = new TreeMap<>();
        Set<String> modules = new TreeSet<>();
        for (String line : lines.subList(2, lines.size())) {
            int space = line.indexOf(' ');
            String kind = line.substring(0, space);
            String rest = line.substring(space + 1);
            switch (kind) {
                case "file" -> files.add(line);
                case "has" -> {
                    present.add(rest);
                    answered.add(rest);
                }
                case "lacks" -> answered.add(rest);
                case "text" -> texts.put(rest.substring(0, rest.indexOf(' ')), decode(rest.substring(rest.indexOf(' ') + 1)));
                case "module" -> modules.add(decode(rest));
                default -> {
                    return Optional.empty();
                }
            }
        }
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < shown.size(); i++) {
            expected.add("file " + encode(shown.get(i)) + " " + keys.get(i));
        }
        if (!files.equals(expected) || !answered.equals(InitrdContents.QUERIES)
                || !InitrdContents.QUERIES.containsAll(texts.keySet())) {
            return Optional.empty();
        }
        return Optional.of(new InitrdContents(present, texts, modules));
    }

    private void store(String entry, List<String> shown, List<String> keys, List<Path> files, InitrdContents c) {
        Path tmp = null;
        try {
            // no /run in this root, or a link on the way (a root's run -> /etc must not put files
            // into the host's /etc): nothing kept
            Path inside = directory(true);
            if (inside == null) {
                return;
            }
            String body = body(shown, keys, c);
            // named here, not by Files.createTempFile, whose random names load java.security
            tmp = inside.resolve("." + entry + "." + ProcessHandle.current().pid() + ".tmp");
            Files.deleteIfExists(tmp); // a leftover of a killed run with this pid
            try (var out = Files.newByteChannel(tmp, java.util.EnumSet.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(everyoneReads(files) ? "rw-r--r--" : "rw-------")))) {
                java.nio.ByteBuffer bytes = java.nio.ByteBuffer.wrap((body + crc(body)).getBytes(StandardCharsets.UTF_8));
                while (bytes.hasRemaining()) {
                    out.write(bytes);
                }
            }
            Files.move(tmp, inside.resolve(entry), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            tmp = null;
        } catch (IOException | RuntimeException e) {
            // never required: a read-only /run, a full tmpfs, another user's directory
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException e) {
                    // a stray temp file in a tmpfs, gone at the next boot
                }
            }
        }
    }

    private static boolean everyoneReads(List<Path> files) throws IOException {
        for (Path f : files) {
            if (((Integer) Files.getAttribute(f, "unix:mode") & 0004) == 0) {
                return false;
            }
        }
        return true;
    }

    private static String encode(String s) {
        return ENCODE.encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    private static String decode(String s) {
        return new String(DECODE.decode(s), StandardCharsets.UTF_8);
    }
}

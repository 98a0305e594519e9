package io.overlayboot.helper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What {@link Boot} does to the system, as one small interface: the mount calls, the directories
 * it makes, and the kernel's filesystems. {@link #SYSTEM} is the real thing ({@link Syscalls},
 * {@link Files}, {@link MountTable}); a test hands Boot a recording fake, so the order of its steps
 * and of their undos is checked without root.
 */
interface MountOps {
    void mount(String source, String target, String fstype, long flags, String data) throws SyscallException;

    /** {@code mount --move from to}. */
    void move(String from, String to) throws SyscallException;

    void umount(String target) throws SyscallException;

    /** {@code mkdir -p dir}. */
    void mkdirs(String dir) throws IOException;

    /** True when the kernel lists {@code fs} in /proc/filesystems. */
    boolean kernelHas(String fs);

    /** {@code modprobe -q module}; true when it succeeded. */
    boolean modprobe(String module);

    /** The running system. */
    MountOps SYSTEM = new MountOps() {
        @Override
        public void mount(String source, String target, String fstype, long flags, String data) throws SyscallException {
            Syscalls.mount(source, target, fstype, flags, data);
        }

        @Override
        public void move(String from, String to) throws SyscallException {
            Syscalls.move(from, to);
        }

        @Override
        public void umount(String target) throws SyscallException {
            Syscalls.umount2(target, 0);
        }

        @Override
        public void mkdirs(String dir) throws IOException {
            Files.createDirectories(Path.of(dir));
        }

        @Override
        public boolean kernelHas(String fs) {
            return MountTable.kernelHas(fs);
        }

        @Override
        public boolean modprobe(String module) {
            return MountTable.modprobe(module);
        }
    };
}

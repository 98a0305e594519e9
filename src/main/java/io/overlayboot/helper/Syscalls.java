package io.overlayboot.helper;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * The few system calls the helper makes, called directly through the FFM API: {@code mount(2)},
 * {@code umount2(2)}, and {@code strerror(3)} for the message of the errno each call captures.
 *
 * <p>Every downcall here is also declared in the native-image reachability metadata
 * ({@code META-INF/native-image/io.overlayboot/helper/reachability-metadata.json}); keep the two in
 * step when adding one.
 */
public final class Syscalls {
    /** {@code MS_RDONLY} from {@code <sys/mount.h>}. */
    public static final long MS_RDONLY = 1L;
    /** {@code MS_MOVE}: move an existing mount to a new place. */
    public static final long MS_MOVE = 8192L;
    /** {@code MNT_DETACH} for {@code umount2}: lazy unmount. */
    public static final int MNT_DETACH = 2;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO =
            CALL_STATE.varHandle(java.lang.foreign.MemoryLayout.PathElement.groupElement("errno"));
    private static final Linker.Option CAPTURE_ERRNO = Linker.Option.captureCallState("errno");

    // int mount(const char *source, const char *target, const char *fstype, unsigned long flags, const void *data)
    private static final MethodHandle MOUNT = downcall("mount", FunctionDescriptor.of(ValueLayout.JAVA_INT,
            ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.ADDRESS),
            CAPTURE_ERRNO);
    // int umount2(const char *target, int flags)
    private static final MethodHandle UMOUNT2 = downcall("umount2",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT), CAPTURE_ERRNO);
    // char *strerror(int errnum)
    private static final MethodHandle STRERROR = downcall("strerror",
            FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.JAVA_INT));

    private Syscalls() {}

    private static MethodHandle downcall(String name, FunctionDescriptor descriptor, Linker.Option... options) {
        MemorySegment symbol = LINKER.defaultLookup().find(name)
                .or(() -> SymbolLookup.loaderLookup().find(name))
                .orElseThrow(() -> new UnsatisfiedLinkError("libc has no " + name));
        return LINKER.downcallHandle(symbol, descriptor, options);
    }

    /**
     * {@code mount(source, target, fstype, flags, data)}; {@code fstype} and {@code data} may be
     * null (as for {@link #MS_MOVE}).
     */
    public static void mount(String source, String target, String fstype, long flags, String data)
            throws SyscallException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            int rc = (int) MOUNT.invokeExact(state, cString(arena, source), cString(arena, target),
                    cString(arena, fstype), flags, cString(arena, data));
            if (rc != 0) {
                throw failure("mount " + describe(source, target, fstype, flags, data), state);
            }
        } catch (SyscallException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("mount downcall failed", t);
        }
    }

    /** {@code mount(source, target, NULL, MS_MOVE, NULL)}: moves the mount at source to target. */
    public static void move(String source, String target) throws SyscallException {
        mount(source, target, null, MS_MOVE, null);
    }

    /** {@code umount2(target, flags)}. */
    public static void umount2(String target, int flags) throws SyscallException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            int rc = (int) UMOUNT2.invokeExact(state, cString(arena, target), flags);
            if (rc != 0) {
                throw failure("umount " + target, state);
            }
        } catch (SyscallException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("umount2 downcall failed", t);
        }
    }

    /** The C library's message for an errno, such as "No such file or directory" for 2. */
    public static String strerror(int errno) {
        try {
            MemorySegment message = (MemorySegment) STRERROR.invokeExact(errno);
            return message.reinterpret(Long.MAX_VALUE).getString(0);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("strerror downcall failed", t);
        }
    }

    private static SyscallException failure(String call, MemorySegment state) {
        int errno = (int) ERRNO.get(state, 0L);
        return new SyscallException(call, errno, strerror(errno));
    }

    private static MemorySegment cString(Arena arena, String s) {
        return s == null ? MemorySegment.NULL : arena.allocateFrom(s);
    }

    private static String describe(String source, String target, String fstype, long flags, String data) {
        if (flags == MS_MOVE) {
            return source + " to " + target + " (MS_MOVE)";
        }
        return source + " on " + target + " type " + fstype + (data == null ? "" : " (" + data + ")");
    }
}

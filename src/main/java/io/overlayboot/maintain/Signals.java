package io.overlayboot.maintain;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;

/**
 * Keeps a session alive to clean up after Ctrl-C and {@code kill}: while installed, SIGINT is
 * ignored here (the terminal delivers it to the command in the foreground too, which decides) and
 * SIGTERM and SIGHUP are passed on as SIGTERM to every process this one started, so the command
 * ends and the session undoes its mounts before exiting. Without this the JVM would run its
 * shutdown on any of them and leave the mounts behind.
 *
 * <p>The JDK's only way to handle a signal is {@code sun.misc.Signal} (module
 * {@code jdk.unsupported}, kept for exactly this). It is reached by reflection because javac
 * warns about every direct use and the build treats warnings as errors; the .deb's runtime adds
 * {@code jdk.unsupported} by name, since jdeps cannot see a reflective use.
 */
final class Signals implements AutoCloseable {
    private static final List<String> NAMES = List.of("INT", "TERM", "HUP");
    private final List<Object> previous = new ArrayList<>();
    private volatile String received;

    private Signals() {}

    static Signals install() {
        Signals s = new Signals();
        try {
            Class<?> handlerType = Class.forName("sun.misc.SignalHandler");
            InvocationHandler onSignal = (proxy, method, args) -> {
                if (method.getName().equals("handle")) {
                    s.handle(name(args[0]));
                    return null;
                }
                return switch (method.getName()) {
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    default -> "overlayboot maintenance signal handler";
                };
            };
            Object handler = Proxy.newProxyInstance(Signals.class.getClassLoader(), new Class<?>[] {handlerType}, onSignal);
            for (String name : NAMES) {
                s.previous.add(handle(name, handler));
            }
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("this Java runtime has no sun.misc.Signal (module jdk.unsupported)", e);
        }
        return s;
    }

    private static Object handle(String name, Object handler) throws ReflectiveOperationException {
        Class<?> signal = Class.forName("sun.misc.Signal");
        Class<?> handlerType = Class.forName("sun.misc.SignalHandler");
        Method handle = signal.getMethod("handle", signal, handlerType);
        return handle.invoke(null, signal.getConstructor(String.class).newInstance(name), handler);
    }

    private static String name(Object signal) throws ReflectiveOperationException {
        return (String) signal.getClass().getMethod("getName").invoke(signal);
    }

    private void handle(String signal) {
        if (signal.equals("INT")) {
            return; // the command got it too; its exit status says what it did about it
        }
        if (received == null) {
            received = signal;
        }
        ProcessHandle.current().descendants().forEach(ProcessHandle::destroy);
    }

    /** The first SIGTERM or SIGHUP that came while installed ("TERM", "HUP"), or null. */
    String received() {
        return received;
    }

    /** The exit status a shell reports for death by the signal received, or -1 when none came. */
    int exitStatus() {
        return switch (received == null ? "" : received) {
            case "TERM" -> 143;
            case "HUP" -> 129;
            default -> -1;
        };
    }

    @Override
    public void close() {
        try {
            for (int i = 0; i < NAMES.size(); i++) {
                handle(NAMES.get(i), previous.get(i));
            }
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot restore the signal handlers", e);
        }
    }
}

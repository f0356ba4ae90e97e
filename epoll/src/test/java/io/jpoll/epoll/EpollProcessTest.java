package io.jpoll.epoll;

import io.jpoll.Interests;
import io.jpoll.NativeException;
import io.jpoll.spi.EventSink;
import io.jpoll.spi.Platform;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Process registrations at the selector: pidfd_open on both bindings, the kernel requirement named
 * on ENOSYS, and the pid-reuse guard, with a binding that pretends the pid was reused.
 */
@EnabledOnOs(OS.LINUX)
@Timeout(30)
class EpollProcessTest {
    private static final int EINVAL = 22;

    @Test
    void bothBindingsOpenPidfdsAndReturnMinusErrno() throws Exception {
        Process child = new ProcessBuilder("sleep", "30").start();
        try {
            for (EpollNative calls : EpollBindingTest.bindings()) {
                int fd = calls.pidfdOpen((int) child.pid(), 0);
                assertTrue(fd >= 0, calls.name() + ": " + fd);
                assertEquals("anon_inode:[pidfd]", Files.readSymbolicLink(Paths.get("/proc/self/fd/" + fd)).toString());
                assertEquals(0, calls.close(fd));
                assertEquals(-EINVAL, calls.pidfdOpen(-1, 0), calls.name());
                assertEquals(-Errno.ESRCH, calls.pidfdOpen(0x3FFFFFFF, 0), calls.name() + ": beyond pid_max");
            }
        } finally {
            child.destroyForcibly().waitFor();
        }
    }

    @Test
    void enosysNamesTheKernelRequirement() throws Exception {
        EpollNative old = pretending((method, args) -> method.equals("pidfdOpen") ? -Errno.ENOSYS : null, null);
        Process child = new ProcessBuilder("sleep", "30").start();
        try (EpollTimerTest.SelectorUnderTest s = new EpollTimerTest.SelectorUnderTest(
                new EpollSelector(EpollEventLayout.forArch(Platform.arch()), false, old))) {
            NativeException e = assertThrows(NativeException.class,
                    () -> s.selector.registerProcess(child.toHandle(), 5, Interests.READABLE));
            assertEquals("pidfd_open pid=" + child.pid() + " token=5 (watching a process needs Linux 5.3 or later):"
                    + " ENOSYS (Function not implemented)", e.getMessage());
            assertEquals(Errno.ENOSYS, e.errorCode());
        } finally {
            child.destroyForcibly().waitFor();
        }
    }

    /**
     * A process that has exited and been reaped, whose pid pidfd_open then finds taken by another,
     * live process: the registration reports the exit and does not watch (or keep) that pidfd.
     */
    @Test
    void aPidTakenByANewerProcessIsNotWatched() throws Exception {
        Process gone = new ProcessBuilder("true").start();
        gone.onExit().get(10, TimeUnit.SECONDS); // exited and reaped by the JDK
        Process newer = new ProcessBuilder("sleep", "30").start();
        AtomicInteger opened = new AtomicInteger(-1);
        EpollNative reused = pretending((method, args) -> null, (method, result) -> {
            if (method.equals("pidfdOpen")) {
                opened.set((Integer) result);
            }
        });
        EpollNative binding = (EpollNative) Proxy.newProxyInstance(EpollNative.class.getClassLoader(),
                new Class<?>[]{EpollNative.class}, (proxy, method, args) -> {
                    if (method.getName().equals("pidfdOpen")) {
                        args[0] = (int) newer.pid(); // the pid now names the newer process
                    }
                    return method.invoke(reused, args);
                });
        try (EpollTimerTest.SelectorUnderTest s = new EpollTimerTest.SelectorUnderTest(
                new EpollSelector(EpollEventLayout.forArch(Platform.arch()), false, binding))) {
            long pidfdsBefore = pidfds();
            s.selector.registerProcess(gone.toHandle(), 9, Interests.READABLE);
            assertTrue(opened.get() >= 0, "pidfd_open was called and gave " + opened.get());
            assertEquals(pidfdsBefore, pidfds(), "the newer process's pidfd was closed");
            EventSink sink = new EventSink(4);
            s.selector.select(sink, TimeUnit.SECONDS.toNanos(5));
            assertEquals(1, sink.size(), "the exit is reported, although the newer process lives");
            assertEquals(9, sink.token(0));
            assertEquals(EventSink.READABLE, sink.readiness(0));
            assertTrue(newer.isAlive());
            s.selector.deregisterProcess(gone.toHandle());
            sink.clear();
            s.selector.select(sink, 0);
            assertEquals(0, sink.size());
        } finally {
            newer.destroyForcibly().waitFor();
        }
    }

    interface Answer {
        /** A result to return instead of calling the real binding, or null to call it. */
        Object instead(String method, Object[] args);
    }

    interface Observer {
        void returned(String method, Object result);
    }

    /** The binding in use, with some calls answered otherwise or watched. */
    private static EpollNative pretending(Answer override, Observer observer) {
        return (EpollNative) Proxy.newProxyInstance(EpollNative.class.getClassLoader(),
                new Class<?>[]{EpollNative.class}, (proxy, method, args) -> {
                    Object instead = override.instead(method.getName(), args);
                    if (instead != null) {
                        return instead;
                    }
                    try {
                        Object result = method.invoke(EpollBinding.NATIVE, args);
                        if (observer != null) {
                            observer.returned(method.getName(), result);
                        }
                        return result;
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    private static long pidfds() throws IOException {
        try (Stream<Path> fds = Files.list(Paths.get("/proc/self/fd"))) {
            return fds.filter(p -> {
                try {
                    return Files.readSymbolicLink(p).toString().equals("anon_inode:[pidfd]");
                } catch (IOException e) {
                    return false; // closed meanwhile (the listing's own fd)
                }
            }).count();
        }
    }
}

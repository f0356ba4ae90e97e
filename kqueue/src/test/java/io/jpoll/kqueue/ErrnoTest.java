package io.jpoll.kqueue;

import io.jpoll.NativeException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ErrnoTest {

    @Test
    void eagainIs35OnTheBsdsAnd11OnLinux() {
        for (Errno e : new Errno[]{Errno.MACOS, Errno.FREEBSD, Errno.OPENBSD, Errno.NETBSD, Errno.DRAGONFLY}) {
            assertEquals("EAGAIN", e.name(35));
            assertEquals("EDEADLK", e.name(11));
        }
        assertEquals("EAGAIN", Errno.LINUX.name(11));
        assertEquals("EDEADLK", Errno.LINUX.name(35));
        assertEquals(35, KqueueProfile.MACOS.errno.eagain);
        assertEquals(35, KqueueProfile.NETBSD.errno.eagain);
        assertEquals(11, KqueueProfile.LIBKQUEUE.errno.eagain);
    }

    @Test
    void theV7NumbersAgreeEverywhere() {
        for (Errno e : new Errno[]{Errno.MACOS, Errno.FREEBSD, Errno.OPENBSD, Errno.NETBSD, Errno.DRAGONFLY, Errno.LINUX}) {
            assertEquals("ENOENT", e.name(Errno.ENOENT));
            assertEquals("EINTR", e.name(Errno.EINTR));
            assertEquals("EBADF", e.name(9));
            assertEquals("EINVAL", e.name(Errno.EINVAL));
            assertEquals("EMFILE", e.name(24));
            assertEquals("EPIPE", e.name(Errno.EPIPE));
        }
    }

    @Test
    void theFamiliesPartAbove34() {
        assertEquals("ENOTSUP", Errno.MACOS.name(45));
        assertEquals("EOPNOTSUPP", Errno.MACOS.name(102));
        assertEquals("EOPNOTSUPP", Errno.FREEBSD.name(45));
        assertEquals("EOPNOTSUPP", Errno.LINUX.name(95));
        assertEquals("ENOSYS", Errno.FREEBSD.name(78));
        assertEquals("ENOSYS", Errno.LINUX.name(38));
        assertEquals("EOVERFLOW", Errno.OPENBSD.name(87));
        assertEquals("ECANCELED", Errno.NETBSD.name(87));
        assertEquals("ECANCELED", Errno.FREEBSD.name(85));
        assertEquals("ENOTSOCK", Errno.LINUX.name(88));
    }

    @Test
    void unknownNumbersAreNamedByNumber() {
        assertEquals("errno 999", Errno.FREEBSD.name(999));
        assertEquals("unknown error 999", Errno.FREEBSD.description(999));
        assertEquals("errno 0", Errno.LINUX.name(0));
    }

    @Test
    void nativeExceptionsNameOperationFdTokenAndTheSymbolicError() {
        NativeException e = KqueueProfile.MACOS.errno.error("kevent(EV_ADD)", "fd", 7, "token=3", 9);
        assertEquals("kevent(EV_ADD) fd=7 token=3: EBADF (Bad file descriptor)", e.getMessage());
        assertEquals(9, e.errorCode());
        assertEquals("EBADF", e.errorName());
        assertEquals(7, e.handle());
        assertEquals("kevent(EV_ADD)", e.operation());

        NativeException again = KqueueProfile.FREEBSD.errno.error("kevent(NOTE_TRIGGER)", null, -1, "waker=4", 35);
        assertEquals("kevent(NOTE_TRIGGER) waker=4: EAGAIN (Resource temporarily unavailable)", again.getMessage());
        NativeException linux = KqueueProfile.LIBKQUEUE.errno.error("kqueue", null, -1, null, 24);
        assertEquals("kqueue: EMFILE (Too many open files)", linux.getMessage());
    }
}

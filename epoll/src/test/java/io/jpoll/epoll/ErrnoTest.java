package io.jpoll.epoll;

import com.sun.jna.Native;
import io.jpoll.NativeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ErrnoTest {
    @Test
    void namesOfTheErrorsEpollReturns() {
        assertEquals("EPERM", Errno.name(1));
        assertEquals("ENOENT", Errno.name(Errno.ENOENT));
        assertEquals("EINTR", Errno.name(Errno.EINTR));
        assertEquals("EBADF", Errno.name(9));
        assertEquals("EAGAIN", Errno.name(Errno.EAGAIN));
        assertEquals("ENOMEM", Errno.name(12));
        assertEquals("EEXIST", Errno.name(Errno.EEXIST));
        assertEquals("EINVAL", Errno.name(22));
        assertEquals("EMFILE", Errno.name(24));
        assertEquals("ENOSPC", Errno.name(28));
        assertEquals("ELOOP", Errno.name(40));
        assertEquals("errno 999", Errno.name(999));
        assertEquals("errno -3", Errno.name(-3));
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void lastErrorIsTheCallsErrno() {
        assertEquals(-1, LibC.close(-1));
        assertEquals(9, Native.getLastError());
    }

    @Test
    @EnabledOnOs(OS.LINUX) // strerror's text is glibc's
    void exceptionNamesOperationFdDetailAndError() {
        NativeException e = Errno.error("epoll_ctl(ADD)", "fd", 7, "token=3", 1);
        assertEquals("epoll_ctl(ADD) fd=7 token=3: EPERM (Operation not permitted)", e.getMessage());
        assertEquals("epoll_ctl(ADD)", e.operation());
        assertEquals(7, e.handle());
        assertEquals(1, e.errorCode());
        assertEquals("EPERM", e.errorName());
        assertEquals("epoll_create1: EMFILE (Too many open files)", Errno.error("epoll_create1", null, -1, null, 24).getMessage());
        assertEquals(e.getMessage(), Errno.exception("epoll_ctl(ADD)", 7, "token=3", 1).getMessage(), "the fd shorthand");
        assertEquals("eventfd: EMFILE (Too many open files)", Errno.exception("eventfd", -1, null, 24).getMessage());
    }
}

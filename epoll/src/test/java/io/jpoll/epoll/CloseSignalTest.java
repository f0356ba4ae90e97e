package io.jpoll.epoll;

import io.jpoll.Events;
import io.jpoll.NativeException;
import io.jpoll.Poll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Closing a Poll never depends on an epoll_ctl that the kernel may refuse: the signal that wakes
 * blocked pollers is part of the epoll set from the start, so a kernel out of epoll watches
 * (ENOSPC) or memory (ENOMEM) can fail {@code open()}, never {@code close()}.
 */
@EnabledOnOs(OS.LINUX)
@Timeout(20)
class CloseSignalTest {
    @AfterEach
    void clearFault() {
        EpollSelector.injectedAddErrno = 0;
    }

    @Test
    void closeWakesAPollerEvenWhenEpollCtlAddFailsFromThenOn() throws Exception {
        Poll poll = Poll.open("epoll");
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread poller = new Thread(() -> {
            try {
                poll.poll(new Events(4), null);
            } catch (Throwable t) {
                thrown.set(t);
            }
        }, "poller");
        poller.setDaemon(true);
        poller.start();
        awaitBlockedInEpollWait(poller);

        // The watches run out while the poller waits; then the program shuts the Poll down.
        EpollSelector.injectedAddErrno = Errno.ENOSPC;
        Thread closer = new Thread(poll::close, "closer");
        closer.setDaemon(true);
        closer.start();
        closer.join(TimeUnit.SECONDS.toMillis(3));
        poller.join(TimeUnit.SECONDS.toMillis(1));
        assertFalse(closer.isAlive() || poller.isAlive(),
                "closer alive=" + closer.isAlive() + ", poller alive=" + poller.isAlive() + " 3 s after close");
        assertNull(thrown.get());
        assertFalse(poll.isOpen());
    }

    @Test
    void openFailsCleanlyWhenTheCloseSignalCannotJoinTheSet() throws Exception {
        Map<Integer, String> before = OpenFds.list();
        EpollSelector.injectedAddErrno = Errno.ENOSPC;
        NativeException e = assertThrows(NativeException.class, () -> Poll.open("epoll").close());
        assertEquals("ENOSPC", e.errorName(), e::getMessage);
        assertTrue(e.getMessage().startsWith("epoll_ctl(ADD)"), e::getMessage);
        EpollSelector.injectedAddErrno = 0;
        assertEquals(before, OpenFds.list(), "a failed open leaks no descriptor");
        Poll.open("epoll").close();
    }

    /**
     * The poller's stack ends in a native call under EpollSelector.select: it is in epoll_wait. On
     * the FFM binding the downcall's frames are hidden, so the stack ends in the binding's method.
     */
    private static void awaitBlockedInEpollWait(Thread poller) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() - deadline < 0) {
            StackTraceElement[] stack = poller.getStackTrace();
            if (stack.length > 0 && (stack[0].isNativeMethod() || stack[0].getClassName().equals("io.jpoll.epoll.FfmEpollNative"))
                    && Arrays.stream(stack).anyMatch(f -> f.getClassName().equals(EpollSelector.class.getName()))) {
                return;
            }
            Thread.sleep(1);
        }
        fail("the poller did not block in epoll_wait within 5 s: " + Arrays.toString(poller.getStackTrace()));
    }
}

package io.jpoll.epoll;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import io.jpoll.Events;
import io.jpoll.Interests;
import io.jpoll.Poll;
import io.jpoll.Source;
import io.jpoll.spi.EventSink;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(20)
@EnabledOnOs(OS.LINUX)
class EpollSelectorTest {
    private static final long[] TOKENS = {0, 1, -1, Long.MIN_VALUE, Long.MAX_VALUE, 0xDEADBEEFCAFEBABEL};

    @Test
    void backendIsChosenOnLinux() throws Exception {
        try (Poll poll = Poll.open()) {
            assertEquals("epoll", poll.backend());
        }
    }

    /** Every token comes back from the kernel with all 64 bits, through real readiness. */
    @Test
    void tokensRoundTripThroughTheKernel() throws Exception {
        List<Integer> fds = new ArrayList<>();
        try (Poll poll = Poll.open("epoll")) {
            for (long token : TOKENS) {
                int fd = LibC.eventfd(1, EpollFlags.EFD_CLOEXEC | EpollFlags.EFD_NONBLOCK);
                assertTrue(fd >= 0);
                fds.add(fd);
                poll.registry().register(Source.fd(fd), token, Interests.READABLE.level());
            }
            Events events = new Events(16);
            assertEquals(TOKENS.length, poll.poll(events, Duration.ofSeconds(2)));
            Set<Long> seen = new HashSet<>();
            for (int i = 0; i < events.size(); i++) {
                seen.add(events.token(i));
                assertTrue(events.isReadable(i));
                assertFalse(events.isWritable(i));
            }
            Set<Long> expected = new HashSet<>();
            for (long t : TOKENS) expected.add(t);
            assertEquals(expected, seen);
        } finally {
            fds.forEach(LibC::close);
        }
    }

    @Test
    void subMillisecondTimeoutsNeverReturnEarly() throws Exception {
        for (boolean pwait2 : new boolean[]{true, false}) {
            System.setProperty(EpollBackend.PWAIT2_PROPERTY, Boolean.toString(pwait2));
            try (Poll poll = Poll.open("epoll")) {
                Events events = new Events(4);
                for (long micros : new long[]{1, 300, 1500}) {
                    long start = System.nanoTime();
                    assertEquals(0, poll.poll(events, Duration.ofNanos(micros * 1000)));
                    long took = System.nanoTime() - start;
                    assertTrue(took >= micros * 1000, "pwait2=" + pwait2 + ": a " + micros + " us wait took " + took + " ns");
                }
            } finally {
                System.clearProperty(EpollBackend.PWAIT2_PROPERTY);
            }
        }
    }

    @Test
    void pwait2IsUsedWhenTheKernelHasIt() throws Exception {
        EpollSelector s = new EpollSelector(EpollEventLayout.forArch(io.jpoll.spi.Platform.arch()), true);
        try {
            // Native x86_64 here has kernel >= 5.11 and glibc >= 2.35. qemu-user (the arm64 check)
            // answers the syscall with ENOSYS, and there the probe must fall back instead.
            if (io.jpoll.spi.Platform.arch().equals("x86_64")) {
                assertTrue(s.nanosecondTimeouts(), "epoll_pwait2 unavailable: " + s);
            }
        } finally {
            s.close();
        }
        EpollSelector ms = new EpollSelector(EpollEventLayout.forArch(io.jpoll.spi.Platform.arch()), false);
        try {
            assertFalse(ms.nanosecondTimeouts());
        } finally {
            ms.close();
        }
    }

    /** A waker whose counter is full resets it and still wakes. */
    @Test
    void wakerSurvivesCounterOverflow() throws Exception {
        int fd = LibC.eventfd(0, EpollFlags.EFD_CLOEXEC | EpollFlags.EFD_NONBLOCK);
        EventFdWaker waker = new EventFdWaker(fd, EpollBinding.NATIVE);
        try (Memory word = new Memory(8)) {
            word.setLong(0, 0xFFFFFFFFFFFFFFFEL); // the largest value an eventfd holds
            assertEquals(8, LibC.write(fd, Pointer.nativeValue(word), 8));
            word.setLong(0, 1);
            assertEquals(-1, LibC.write(fd, Pointer.nativeValue(word), 8));
            assertEquals(Errno.EAGAIN, Native.getLastError());

            waker.wake();

            assertEquals(8, LibC.read(fd, Pointer.nativeValue(word), 8));
            assertEquals(1, word.getLong(0), "after the reset only the new wake is counted");
        } finally {
            waker.close();
        }
    }

    @Test
    void wakesMergeAndCarryTheWakersToken() throws Exception {
        try (Poll poll = Poll.open("epoll")) {
            var waker = poll.waker(Long.MIN_VALUE);
            for (int i = 0; i < 5; i++) {
                waker.wake();
            }
            Events events = new Events(8);
            assertEquals(1, poll.poll(events, Duration.ofSeconds(1)));
            assertEquals(Long.MIN_VALUE, events.token(0));
            assertTrue(events.isReadable(0));
            assertEquals(0, poll.poll(events, Duration.ofMillis(50)), "merged wakes give one event");
        }
    }

    /** close() makes every blocked poller return, not just one (the level-triggered cascade). */
    @Test
    void closeWakesEveryBlockedPoller() throws Exception {
        Poll poll = Poll.open("epoll");
        int pollers = 4;
        CountDownLatch started = new CountDownLatch(pollers);
        CountDownLatch returned = new CountDownLatch(pollers);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        for (int i = 0; i < pollers; i++) {
            Thread t = new Thread(() -> {
                Events events = new Events(4);
                started.countDown();
                try {
                    poll.poll(events, null);
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                } finally {
                    returned.countDown();
                }
            });
            t.setDaemon(true);
            t.start();
        }
        assertTrue(started.await(5, TimeUnit.SECONDS));
        // Give them a moment to enter epoll_wait; close must work whether they are in it yet or not.
        Thread.sleep(50);
        poll.close();
        assertTrue(returned.await(1, TimeUnit.SECONDS), "pollers still blocked: " + returned.getCount());
        assertNull(failure.get());
    }

    /** One poll fetches at most MAX_BATCH records; the rest come next time, none twice. */
    @Test
    void aHugeEventsIsFilledInBoundedBatches() throws Exception {
        EpollSelector s = new EpollSelector(EpollEventLayout.forArch(io.jpoll.spi.Platform.arch()), true);
        int fd = LibC.eventfd(1, EpollFlags.EFD_CLOEXEC | EpollFlags.EFD_NONBLOCK);
        List<Integer> dups = new ArrayList<>();
        try {
            int ready = EpollSelector.MAX_BATCH + 100;
            // Many registrations of one readable eventfd: dup'ed descriptors, level-triggered.
            for (int i = 0; i < ready; i++) {
                int d = dup(fd);
                dups.add(d);
                s.register(d, i, Interests.READABLE.level());
            }
            EventSink sink = new EventSink(Events.MAX_CAPACITY);
            s.select(sink, 1_000_000_000L);
            assertEquals(EpollSelector.MAX_BATCH, sink.size());
            Set<Long> tokens = new HashSet<>();
            for (int i = 0; i < sink.size(); i++) {
                assertTrue(tokens.add(sink.token(i)), "token " + sink.token(i) + " twice in one poll");
            }
        } finally {
            dups.forEach(LibC::close);
            LibC.close(fd);
            s.close();
        }
    }

    private static int dup(int fd) {
        // fcntl(F_DUPFD_CLOEXEC) through the eventfd's own number space: a fresh fd for the same file.
        int d = Dup.fcntl(fd, 1030, 0);
        if (d < 0) {
            int errno = Native.getLastError();
            org.junit.jupiter.api.Assumptions.assumeTrue(errno != 24, "the fd limit is below " + (EpollSelector.MAX_BATCH + 200));
            throw new AssertionError("fcntl(F_DUPFD_CLOEXEC): " + Errno.name(errno));
        }
        return d;
    }

    static final class Dup {
        static {
            Native.register(Dup.class, com.sun.jna.NativeLibrary.getInstance(com.sun.jna.Platform.C_LIBRARY_NAME));
        }

        static native int fcntl(int fd, int cmd, int arg);
    }

    @Test
    void selectIntoAFullSinkReturnsAtOnce() throws Exception {
        EpollSelector s = new EpollSelector(EpollEventLayout.forArch(io.jpoll.spi.Platform.arch()), true);
        try {
            EventSink sink = new EventSink(1);
            sink.add(5, EventSink.READABLE);
            s.select(sink, -1); // would block forever if it waited
            assertEquals(1, sink.size());
        } finally {
            s.close();
        }
    }

    /** The nudge wakes every select while raised, and its own record never reaches the sink. */
    @Test
    void theNudgeWakesSelectsAndNeverSurfaces() throws Exception {
        EpollSelector s = new EpollSelector(EpollEventLayout.forArch(io.jpoll.spi.Platform.arch()), true);
        int fd = LibC.eventfd(1, EpollFlags.EFD_CLOEXEC | EpollFlags.EFD_NONBLOCK); // always readable
        try {
            assertTrue(s.wakesOnInterrupt());
            // Token 0 is also the data word of the nudge's own record: it must not matter.
            s.register(fd, 0, Interests.READABLE.level());
            s.raiseNudge();
            EventSink sink = new EventSink(8);
            s.select(sink, -1);
            assertEquals(1, sink.size(), "the user's record only");
            assertEquals(0, sink.token(0));
            assertEquals(EventSink.READABLE, sink.readiness(0));

            s.deregister(fd);
            for (int round = 0; round < 3; round++) {
                sink.clear();
                s.select(sink, -1); // would block forever without the nudge
                assertEquals(0, sink.size(), "the nudge reports no event of its own");
            }
            s.clearNudge();
            sink.clear();
            long start = System.nanoTime();
            s.select(sink, 100_000_000L);
            assertEquals(0, sink.size());
            assertTrue(System.nanoTime() - start >= 100_000_000L, "a cleared nudge still woke the select");

            s.raiseNudge(); // the pipe made at the first raise is reused
            sink.clear();
            s.select(sink, -1);
            assertEquals(0, sink.size());
            s.clearNudge();
        } finally {
            LibC.close(fd);
            s.close();
        }
    }
}

package io.jpoll;

import io.jpoll.spi.Platform;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.*;

/** The API layer's own logic, over {@link FakeBackend}: no OS involved. */
@Timeout(20)
class PollTest {
    @AfterEach
    void clearProperty() {
        System.clearProperty("jpoll.backend");
    }

    /** A descriptor on Unix, a SOCKET on Windows: the fake backend takes either. */
    private static Source src(int n) {
        return Platform.os() == Platform.Os.WINDOWS ? Source.socket(n) : Source.fd(n);
    }

    private static FakeBackend.FakeSelector lastSelector() {
        return FakeBackend.OPENED.get(FakeBackend.OPENED.size() - 1);
    }

    @Test
    void opensTheBestSupportedBackend() throws IOException {
        try (Poll poll = Poll.open()) {
            assertEquals("fake", poll.backend());
            assertTrue(poll.isOpen());
            assertSame(poll.registry(), poll.registry());
            assertEquals("Poll{fake}", poll.toString());
        }
    }

    @Test
    void unknownBackendListsTheAvailableOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Poll.open("nope"));
        assertEquals("Poll.open: unknown backend 'nope' (Poll.open(\"nope\")); available here: fake, fake-nudging", e.getMessage());
        System.setProperty("jpoll.backend", "nope2");
        e = assertThrows(IllegalArgumentException.class, Poll::open);
        assertEquals("Poll.open: unknown backend 'nope2' (-Djpoll.backend=nope2); available here: fake, fake-nudging", e.getMessage());
    }

    @Test
    void unsupportedBackendSaysWhy() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Poll.open("fake-unsupported"));
        assertEquals("Poll.open: backend 'fake-unsupported' (Poll.open(\"fake-unsupported\")) is not supported here:"
                + " it never is; available here: fake, fake-nudging", e.getMessage());
    }

    @Test
    void propertyForcesABackend() throws IOException {
        System.setProperty("jpoll.backend", "fake");
        try (Poll poll = Poll.open()) {
            assertEquals("fake", poll.backend());
        }
        assertThrows(NullPointerException.class, () -> Poll.open(null));
    }

    @Test
    void timeoutConversion() {
        assertEquals(-1, Poll.toNanos(null));
        assertEquals(0, Poll.toNanos(Duration.ZERO));
        assertEquals(1, Poll.toNanos(Duration.ofNanos(1)));
        assertEquals(1_500_000, Poll.toNanos(Duration.ofMillis(1).plusNanos(500_000)));
        assertEquals(Long.MAX_VALUE, Poll.toNanos(Duration.ofSeconds(Long.MAX_VALUE)), "saturates: waits forever");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Poll.toNanos(Duration.ofMillis(-1)));
        assertEquals("Poll.poll: timeout must not be negative, was PT-0.001S", e.getMessage());
    }

    @Test
    void argumentChecksBeforeTheBackend() throws IOException {
        try (Poll poll = Poll.open()) {
            Registry r = poll.registry();
            Source fd = src(5);
            assertEquals("Poll.poll: events is null", assertThrows(NullPointerException.class, () -> poll.poll(null, null)).getMessage());
            assertThrows(IllegalArgumentException.class, () -> poll.poll(new Events(1), Duration.ofNanos(-1)));
            assertEquals("Registry.register: source is null", assertThrows(NullPointerException.class, () -> r.register(null, 1, Interests.READABLE)).getMessage());
            assertEquals("Registry.register: interests is null", assertThrows(NullPointerException.class, () -> r.register(fd, 1, null)).getMessage());
            assertEquals("Registry.reregister: source is null", assertThrows(NullPointerException.class, () -> r.reregister(null, 1, Interests.READABLE)).getMessage());
            assertEquals("Registry.reregister: interests is null", assertThrows(NullPointerException.class, () -> r.reregister(fd, 1, null)).getMessage());
            assertEquals("Registry.deregister: source is null", assertThrows(NullPointerException.class, () -> r.deregister(null)).getMessage());
            assertEquals("Poll.supports: trigger is null", assertThrows(NullPointerException.class, () -> poll.supports(null)).getMessage());
            UnsupportedOperationException u = assertThrows(UnsupportedOperationException.class,
                    () -> r.register(fd, 9, Interests.READABLE.edge()));
            assertEquals("Registry.register " + fd + " token=9: the fake backend refuses READABLE (EDGE): the fake cannot see edges",
                    u.getMessage());
            u = assertThrows(UnsupportedOperationException.class, () -> r.reregister(fd, -3, Interests.PRIORITY.level()));
            assertEquals("Registry.reregister " + fd + " token=-3: the fake backend refuses PRIORITY (LEVEL): the fake watches"
                    + " no PRIORITY alone", u.getMessage());
            assertFalse(poll.supports(Trigger.EDGE));
            assertTrue(poll.supports(Trigger.LEVEL));
            assertTrue(lastSelector().calls.isEmpty(), "nothing invalid reached the backend: " + lastSelector().calls);
        }
    }

    @Test
    void aTriggerTheBackendDoesNotSupportIsRefusedEvenWhenItsRefusalForgetsIt() throws IOException {
        try (Poll poll = Poll.open()) {
            lastSelector().refusalForgetsTriggers = true;
            Source fd = src(4);
            UnsupportedOperationException u = assertThrows(UnsupportedOperationException.class,
                    () -> poll.registry().register(fd, 2, Interests.WRITABLE.edge()));
            assertEquals("Registry.register " + fd + " token=2: the fake backend refuses WRITABLE (EDGE): EDGE is not"
                    + " offered by this backend", u.getMessage());
            assertTrue(lastSelector().calls.isEmpty(), "nothing refused reached the backend: " + lastSelector().calls);
        }
    }

    @Test
    void registrationExceptionsFormatTheirMessageLikeNativeException() throws IOException {
        try (Poll poll = Poll.open()) {
            Registry r = poll.registry();
            r.register(src(6), 1, Interests.READABLE);
            assertEquals("Registry.register fd=6 token=-7: already registered with this Poll (fake)",
                    assertThrows(AlreadyRegisteredException.class, () -> r.register(src(6), -7, Interests.READABLE)).getMessage());
            assertEquals("Registry.reregister fd=8 token=" + Long.MIN_VALUE + ": not registered with this Poll",
                    assertThrows(NotRegisteredException.class, () -> r.reregister(src(8), Long.MIN_VALUE, Interests.READABLE)).getMessage());
            assertEquals("Registry.deregister fd=8: not registered with this Poll",
                    assertThrows(NotRegisteredException.class, () -> r.deregister(src(8))).getMessage());
        }
        assertEquals("Registry.deregister socket=520: not registered with this Poll (the socket was closed)",
                new NotRegisteredException("Registry.deregister", "socket", 520, "the socket was closed").getMessage());
        assertEquals("Registry.register pid=4242 token=0: already registered with this Poll",
                new AlreadyRegisteredException("Registry.register", "pid", 4242, 0, null).getMessage());
    }

    @Test
    void registryPassesHandleTokenAndInterests() throws IOException {
        try (Poll poll = Poll.open()) {
            poll.registry().register(src(3), Long.MIN_VALUE, Interests.READABLE.level());
            poll.registry().reregister(src(3), -1, Interests.WRITABLE);
            poll.registry().deregister(src(3));
            assertEquals(List.of("register 3 -9223372036854775808 READABLE (LEVEL)", "reregister 3 -1 WRITABLE (ONESHOT)", "deregister 3"),
                    lastSelector().calls);
        }
    }

    @Test
    void everyOperationAfterCloseThrowsClosedPollException() throws IOException {
        Poll poll = Poll.open();
        Waker waker = poll.waker(1);
        poll.close();
        assertFalse(poll.isOpen());
        assertEquals("Poll.poll: the Poll is closed",
                assertThrows(ClosedPollException.class, () -> poll.poll(new Events(1), Duration.ZERO)).getMessage());
        assertEquals("Registry.register: the Poll is closed", assertThrows(ClosedPollException.class,
                () -> poll.registry().register(src(1), 1, Interests.READABLE)).getMessage());
        assertEquals("Registry.reregister: the Poll is closed", assertThrows(ClosedPollException.class,
                () -> poll.registry().reregister(src(1), 1, Interests.READABLE)).getMessage());
        assertEquals("Registry.deregister: the Poll is closed", assertThrows(ClosedPollException.class,
                () -> poll.registry().deregister(src(1))).getMessage());
        assertEquals("Poll.waker: the Poll is closed", assertThrows(ClosedPollException.class, () -> poll.waker(2)).getMessage());
        waker.wake(); // a no-op, never reaching the closed selector
        waker.close();
        FakeBackend.FakeSelector s = lastSelector();
        assertEquals(0, s.wakes.get());
        assertEquals(1, s.wakerCloses.get(), "the Poll released its waker once");
        assertFalse(s.usedAfterClose);
        assertEquals("Poll{fake, closed}", poll.toString());
    }

    @Test
    void closeReleasesEverythingWhenTheBackendFails() throws IOException {
        Poll poll = Poll.open();
        FakeBackend.FakeSelector s = lastSelector();
        poll.waker(1);
        poll.waker(2);
        IllegalStateException interrupt = new IllegalStateException("interrupt failed");
        IllegalStateException waker = new IllegalStateException("waker close failed");
        IllegalStateException close = new IllegalStateException("close failed");
        s.failInterrupt = interrupt;
        s.failWakerClose = waker;
        s.failClose = close;
        RuntimeException thrown = assertThrows(RuntimeException.class, poll::close);
        assertSame(interrupt, thrown, "the first failure is thrown");
        assertEquals(List.of(waker, waker, close), List.of(thrown.getSuppressed()), "the later ones are suppressed");
        assertEquals(2, s.wakerCloses.get(), "every waker was released although the interrupt failed");
        assertEquals(1, s.closes.get(), "the selector was closed although the interrupt and the wakers failed");
        assertFalse(poll.isOpen());
        poll.close(); // idempotent: nothing is released twice, nothing thrown again
        assertEquals(1, s.closes.get());
        assertEquals(2, s.wakerCloses.get());
    }

    @Test
    void closeIsIdempotentAndReleasesOnceFromManyThreads() throws Exception {
        Poll poll = Poll.open();
        FakeBackend.FakeSelector s = lastSelector();
        Waker a = poll.waker(1);
        poll.waker(2);
        a.close();
        a.close();
        assertEquals(1, s.wakerCloses.get(), "a closed waker is released once");
        List<Thread> closers = new ArrayList<>();
        CountDownLatch go = new CountDownLatch(1);
        for (int i = 0; i < 4; i++) {
            Thread t = new Thread(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                poll.close();
                // Every closer returns only after the release.
                assertEquals(1, s.closes.get());
            });
            t.start();
            closers.add(t);
        }
        go.countDown();
        for (Thread t : closers) {
            t.join(5000);
            assertFalse(t.isAlive());
        }
        poll.close();
        assertEquals(1, s.interrupts.get());
        assertEquals(1, s.closes.get());
        assertEquals(2, s.wakerCloses.get());
    }

    @Test
    void closeReturnsBlockedPollersAndWaitsForThemBeforeReleasing() throws Exception {
        Poll poll = Poll.open();
        FakeBackend.FakeSelector s = lastSelector();
        CountDownLatch returned = new CountDownLatch(2);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        for (int i = 0; i < 2; i++) {
            new Thread(() -> {
                try {
                    assertEquals(0, poll.poll(new Events(2), null));
                } catch (Throwable e) {
                    failure.set(e);
                } finally {
                    returned.countDown();
                }
            }).start();
        }
        while (s.insideSelect.get() < 2) {
            Thread.onSpinWait();
        }
        poll.close();
        assertTrue(returned.await(1, TimeUnit.SECONDS));
        assertNull(failure.get());
        assertFalse(s.usedAfterClose, "the selector was closed while a poller was inside it");
    }

    @Test
    void wakerDeliversItsToken() throws IOException {
        try (Poll poll = Poll.open()) {
            Waker w = poll.waker(0xDEADBEEFCAFEBABEL);
            assertEquals(0xDEADBEEFCAFEBABEL, w.token());
            w.wake();
            Events events = new Events(4);
            assertEquals(1, poll.poll(events, Duration.ofSeconds(1)));
            assertEquals(0xDEADBEEFCAFEBABEL, events.token(0));
            assertTrue(events.isReadable(0));
            assertEquals("Waker{token=" + 0xDEADBEEFCAFEBABEL + "}", w.toString());
            w.close();
            assertEquals("Waker{token=" + 0xDEADBEEFCAFEBABEL + ", closed}", w.toString());
            w.wake();
            assertEquals(0, poll.poll(events, Duration.ZERO), "a closed waker does nothing");
        }
    }
}

package io.jpoll;

import io.jpoll.spi.EventSink;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;

import static org.junit.jupiter.api.Assertions.*;

/** Timers, process sources and the queue's descriptor as the API layer handles them, over {@link FakeBackend}. */
@Timeout(20)
class TimerProcessApiTest {
    private static FakeBackend.FakeSelector lastSelector() {
        return FakeBackend.OPENED.get(FakeBackend.OPENED.size() - 1);
    }

    @Test
    void timerPassesNanosecondsAndRoundsZeroUpToOne() throws IOException {
        try (Poll poll = Poll.open("fake")) {
            Timer t = poll.timer(-7);
            assertEquals(-7, t.token());
            t.set(Duration.ofMillis(250));
            t.set(Duration.ofNanos(1500), Duration.ofSeconds(2));
            t.set(Duration.ZERO);
            t.cancel();
            t.set(Duration.ofSeconds(Long.MAX_VALUE), Duration.ofSeconds(Long.MAX_VALUE));
            assertEquals(List.of("new -7", "set -7 250000000 0", "set -7 1500 2000000000", "set -7 1 0", "cancel -7",
                    "set -7 9223372036854775807 9223372036854775807"), lastSelector().timerCalls);
        }
    }

    @Test
    void badDurationsNameTheTimerAndNeverReachTheBackend() throws IOException {
        try (Poll poll = Poll.open("fake")) {
            Timer t = poll.timer(5);
            assertEquals("Timer.set token=5: delay is null",
                    assertThrows(NullPointerException.class, () -> t.set(null)).getMessage());
            assertEquals("Timer.set token=5: period is null",
                    assertThrows(NullPointerException.class, () -> t.set(Duration.ZERO, null)).getMessage());
            assertEquals("Timer.set token=5: delay is negative: PT-0.001S",
                    assertThrows(IllegalArgumentException.class, () -> t.set(Duration.ofMillis(-1))).getMessage());
            assertEquals("Timer.set token=5: period is negative: PT-1S", assertThrows(IllegalArgumentException.class,
                    () -> t.set(Duration.ofSeconds(1), Duration.ofSeconds(-1))).getMessage());
            assertEquals(List.of("new 5"), lastSelector().timerCalls);
        }
    }

    @Test
    void closedTimerIsInertAndReleasedOnce() throws IOException {
        Poll poll = Poll.open("fake");
        Timer t = poll.timer(1);
        t.close();
        t.close();
        t.set(Duration.ofSeconds(1));
        t.cancel();
        poll.close();
        assertEquals(List.of("new 1", "close 1"), lastSelector().timerCalls);
        assertEquals("Timer{token=1, closed}", t.toString());
    }

    @Test
    void pollCloseReleasesEveryOpenTimerOnceAndLeavesThemInert() throws IOException {
        Poll poll = Poll.open("fake");
        Timer a = poll.timer(1);
        Timer b = poll.timer(2);
        b.close();
        poll.close();
        a.set(Duration.ofSeconds(1)); // inert: never reaches the closed selector
        a.close();
        FakeBackend.FakeSelector s = lastSelector();
        assertEquals(List.of("new 1", "new 2", "close 2", "close 1"), s.timerCalls);
        assertFalse(s.usedAfterClose);
        assertEquals("Poll.timer: the Poll is closed",
                assertThrows(ClosedPollException.class, () -> poll.timer(3)).getMessage());
        assertEquals("Poll.descriptor: the Poll is closed",
                assertThrows(ClosedPollException.class, poll::descriptor).getMessage());
    }

    @Test
    void aBackendWithoutADescriptorSaysSoWithoutThrowing() throws IOException {
        try (Poll poll = Poll.open("fake")) {
            assertEquals(OptionalInt.empty(), poll.descriptor());
        }
    }

    @Test
    void expirationsAreReadByIndexAndByValue() {
        Events events = new Events(2);
        EventSink sink = events.acquire();
        sink.add(9, EventSink.READABLE, 3);
        sink.add(4, EventSink.WRITABLE);
        events.release();
        assertEquals(3, events.expirations(0));
        assertEquals(0, events.expirations(1));
        assertEquals(3, events.get(0).expirations());
        assertEquals("Event{token=9, READABLE, expirations=3}", events.get(0).toString());
        assertEquals("Event{token=4, WRITABLE}", events.get(1).toString());
        assertNotEquals(new Event(9, EventSink.READABLE), events.get(0));
        assertThrows(IndexOutOfBoundsException.class, () -> events.expirations(2));
    }

    @Test
    void processSourcesRouteToTheProcessCalls() throws IOException {
        ProcessHandle parent = ProcessHandle.current().parent().orElseThrow();
        try (Poll poll = Poll.open("fake")) {
            Source p = Source.process(parent);
            assertEquals("process " + parent.pid(), p.toString());
            assertEquals(Source.process(parent), p);
            poll.registry().register(p, 8, Interests.READABLE.level());
            poll.registry().reregister(p, 9, Interests.READABLE);
            assertThrows(AlreadyRegisteredException.class, () -> poll.registry().register(p, 8, Interests.READABLE));
            poll.registry().deregister(p);
            assertEquals(List.of("registerProcess " + parent.pid() + " 8 READABLE (LEVEL)",
                    "reregisterProcess " + parent.pid() + " 9 READABLE (ONESHOT)",
                    "registerProcess " + parent.pid() + " 8 READABLE (ONESHOT)",
                    "deregisterProcess " + parent.pid()), lastSelector().calls);
        }
    }

    @Test
    void processSourceBadInput() throws IOException {
        assertEquals("Source.process: process is null",
                assertThrows(NullPointerException.class, () -> Source.process(null)).getMessage());
        long self = ProcessHandle.current().pid();
        assertEquals("Source.process: pid " + self + " is the current process; a poll of its own cannot report its exit",
                assertThrows(IllegalArgumentException.class, () -> Source.process(ProcessHandle.current())).getMessage());
        ProcessHandle parent = ProcessHandle.current().parent().orElseThrow();
        if (!io.jpoll.spi.Platform.os().equals(io.jpoll.spi.Platform.Os.WINDOWS)) {
            assertNotEquals(Source.fd((int) parent.pid()), Source.process(parent), "a pid is not an fd");
        }
        try (Poll poll = Poll.open("fake")) {
            assertEquals("Registry.register process " + parent.pid()
                            + ": a process can only be watched READABLE (for its exit), not WRITABLE (ONESHOT)",
                    assertThrows(IllegalArgumentException.class,
                            () -> poll.registry().register(Source.process(parent), 1, Interests.WRITABLE)).getMessage());
            assertTrue(lastSelector().calls.isEmpty());
        }
    }
}

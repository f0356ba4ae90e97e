package io.jpoll.it;

import io.jpoll.AlreadyRegisteredException;
import io.jpoll.Interests;
import io.jpoll.NotRegisteredException;
import io.jpoll.Source;
import io.jpoll.spi.EventSink;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Process exits as events: a child that exits later, one already exited and reaped by the JDK
 * before it was registered, many at once, and a deregistered one that stays silent.
 */
@DisabledOnOs(OS.WINDOWS)
class ProcessTest extends PollFixture {
    private Process start(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        closeLater(() -> p.destroyForcibly().waitFor(5, TimeUnit.SECONDS));
        return p;
    }

    private Process sleeper(String seconds) throws Exception {
        return start("sleep", seconds);
    }

    @Test
    void aChildThatExitsAfter200MsIsReportedThen() throws Exception {
        long start = System.nanoTime();
        Process child = sleeper("0.2");
        registry.register(Source.process(child.toHandle()), 5, Interests.READABLE.level());
        List<io.jpoll.Event> seen = Await.events(poll, events, 10, Expect.readable(5));
        // Not before the exit, however slow this thread was: the child sleeps 200 ms first.
        long elapsed = System.nanoTime() - start;
        assertTrue(elapsed >= TimeUnit.MILLISECONDS.toNanos(200), "reported after " + elapsed + " ns");
        assertTrue(child.waitFor(5, TimeUnit.SECONDS));
        assertEquals(1, seen.size(), seen.toString());
        assertEquals(5, seen.get(0).token());
        assertEquals(EventSink.READABLE, readinessOf(seen.get(0)));
        // Level-triggered: it stays readable, the exit being a lasting state.
        assertEquals(1, poll.poll(events, Duration.ofSeconds(1)));
        assertEquals(5, events.token(0));
        registry.deregister(Source.process(child.toHandle()));
        assertEquals(0, poll.poll(events, Duration.ofMillis(20)));
    }

    private static int readinessOf(io.jpoll.Event e) {
        return (e.isReadable() ? EventSink.READABLE : 0) | (e.isWritable() ? EventSink.WRITABLE : 0)
                | (e.isError() ? EventSink.ERROR : 0) | (e.isReadClosed() ? EventSink.READ_CLOSED : 0)
                | (e.isWriteClosed() ? EventSink.WRITE_CLOSED : 0) | (e.isPriority() ? EventSink.PRIORITY : 0);
    }

    @Test
    void aChildAlreadyExitedAndReapedByTheJdkIsReportedAtOnce() throws Exception {
        Process child = start("true");
        child.onExit().get(5, TimeUnit.SECONDS); // the JDK's reaper has collected it
        assertFalse(child.toHandle().isAlive());
        registry.register(Source.process(child.toHandle()), 6, Interests.READABLE.edge());
        assertEquals(1, poll.poll(events, Duration.ofSeconds(5)));
        assertEquals(6, events.token(0));
        assertTrue(events.isReadable(0));
        assertEquals(0, poll.poll(events, Duration.ofMillis(20)), "edge-triggered: once");
        registry.deregister(Source.process(child.toHandle()));
    }

    @Test
    void manyChildrenAtOnceEachReportedOnce() throws Exception {
        int n = 24;
        List<Process> children = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Process child = sleeper(String.format("0.%02d", (i * 13) % 40));
            children.add(child);
            registry.register(Source.process(child.toHandle()), 1000 + i, Interests.READABLE.oneshot());
        }
        Set<Long> seen = new HashSet<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(8);
        while (seen.size() < n && System.nanoTime() < deadline) {
            poll.poll(events, Duration.ofMillis(500));
            for (int i = 0; i < events.size(); i++) {
                assertTrue(seen.add(events.token(i)), "reported twice: " + events.token(i));
                assertTrue(events.isReadable(i));
            }
        }
        assertEquals(n, seen.size(), "exits reported: " + seen);
        for (Process child : children) {
            assertTrue(child.waitFor(5, TimeUnit.SECONDS));
        }
        assertEquals(0, poll.poll(events, Duration.ofMillis(30)), "oneshot: each once");
        for (Process child : children) {
            registry.deregister(Source.process(child.toHandle()));
        }
    }

    @Test
    void deregisteredBeforeItsExitAChildStaysSilent() throws Exception {
        Process child = sleeper("0.1");
        Source source = Source.process(child.toHandle());
        registry.register(source, 7, Interests.READABLE);
        registry.deregister(source);
        assertTrue(child.waitFor(5, TimeUnit.SECONDS));
        child.onExit().get(5, TimeUnit.SECONDS);
        assertEquals(0, poll.poll(events, Duration.ofMillis(100)), "deregistered");
        assertThrows(NotRegisteredException.class, () -> registry.deregister(source));
        // Registered again after its exit, it reports the exit.
        registry.register(source, 8, Interests.READABLE.level());
        assertEquals(1, poll.poll(events, Duration.ofSeconds(5)));
        assertEquals(8, events.token(0));
        registry.deregister(source);
    }

    @Test
    void reregisterChangesTheTokenAndTwiceIsRefused() throws Exception {
        Process child = sleeper("30");
        Source source = Source.process(child.toHandle());
        registry.register(source, 9, Interests.READABLE);
        assertThrows(AlreadyRegisteredException.class, () -> registry.register(source, 10, Interests.READABLE));
        registry.reregister(source, 11, Interests.READABLE.oneshot());
        assertEquals(0, poll.poll(events, Duration.ofMillis(30)));
        child.destroy();
        assertTrue(child.waitFor(5, TimeUnit.SECONDS));
        assertEquals(1, poll.poll(events, Duration.ofSeconds(5)));
        assertEquals(11, events.token(0));
        assertEquals(0, poll.poll(events, Duration.ofMillis(20)), "oneshot");
        registry.reregister(source, 12, Interests.READABLE.oneshot());
        assertEquals(1, poll.poll(events, Duration.ofSeconds(5)), "re-armed");
        assertEquals(12, events.token(0));
        registry.deregister(source);
    }

    @Test
    void theCloseOfThePollReleasesWhatWatchesAProcess() throws Exception {
        Process child = sleeper("30");
        registry.register(Source.process(child.toHandle()), 13, Interests.READABLE);
        poll.close();
        assertThrows(io.jpoll.ClosedPollException.class,
                () -> registry.register(Source.process(child.toHandle()), 14, Interests.READABLE));
        assertTrue(child.isAlive(), "jpoll does not touch the process itself");
    }
}

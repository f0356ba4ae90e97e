package io.jpoll.it;

import io.jpoll.ClosedPollException;
import io.jpoll.Interests;
import io.jpoll.Source;
import io.jpoll.Timer;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Bad input to timers and process sources: each refused with the exception type and a message
 * naming the operation and the token or pid, and nothing armed or registered by it.
 */
class EventSourceBadInputTest extends PollFixture {
    @Test
    void negativeDelaysAndPeriodsAreRefused() throws Exception {
        Timer timer = poll.timer(31);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> timer.set(Duration.ofNanos(-1)));
        assertEquals("Timer.set token=31: delay is negative: PT-0.000000001S", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> timer.set(Duration.ZERO, Duration.ofMillis(-5)));
        assertEquals("Timer.set token=31: period is negative: PT-0.005S", e.getMessage());
        assertEquals(0, poll.poll(events, Duration.ofMillis(20)), "nothing was armed");
    }

    @Test
    void nullDurationsAreRefused() throws Exception {
        Timer timer = poll.timer(32);
        NullPointerException e = assertThrows(NullPointerException.class, () -> timer.set(null));
        assertEquals("Timer.set token=32: delay is null", e.getMessage());
        e = assertThrows(NullPointerException.class, () -> timer.set(Duration.ZERO, null));
        assertEquals("Timer.set token=32: period is null", e.getMessage());
        assertEquals(0, poll.poll(events, Duration.ofMillis(20)), "nothing was armed");
    }

    @Test
    void aClosedPollMakesNoTimerAndRegistersNoProcess() throws Exception {
        Process child = new ProcessBuilder("sleep", "30").start();
        try {
            poll.close();
            ClosedPollException e = assertThrows(ClosedPollException.class, () -> poll.timer(33));
            assertEquals(true, e.getMessage().contains("Poll.timer"), e.getMessage());
            assertThrows(ClosedPollException.class,
                    () -> registry.register(Source.process(child.toHandle()), 34, Interests.READABLE));
        } finally {
            child.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void theCurrentProcessIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Source.process(ProcessHandle.current()));
        assertEquals("Source.process: pid " + ProcessHandle.current().pid()
                + " is the current process; a poll of its own cannot report its exit", e.getMessage());
        NullPointerException n = assertThrows(NullPointerException.class, () -> Source.process(null));
        assertEquals("Source.process: process is null", n.getMessage());
    }

    @Test
    void aProcessCanOnlyBeWatchedReadable() throws Exception {
        Process child = new ProcessBuilder("sleep", "30").start();
        try {
            Source source = Source.process(child.toHandle());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> registry.register(source, 35, Interests.WRITABLE));
            assertEquals(true, e.getMessage().contains("process " + child.pid()), e.getMessage());
            assertEquals(0, poll.poll(events, Duration.ofMillis(20)));
            registry.register(source, 36, Interests.READABLE); // not registered by the refused call
            registry.deregister(source);
        } finally {
            child.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
    }
}

package io.jpoll.kqueue;

import io.jpoll.AlreadyRegisteredException;
import io.jpoll.Events;
import io.jpoll.Interests;
import io.jpoll.NotRegisteredException;
import io.jpoll.Poll;
import io.jpoll.Source;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Process exit on a real kqueue: EVFILT_PROC on the BSDs and macOS, a pidfd over libkqueue. The
 * children are reaped by the JDK's own reaper thread, as in any program.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class KqueueProcessTest {
    private final List<AutoCloseable> closeLater = new ArrayList<>();
    private final List<Process> children = new ArrayList<>();

    @BeforeAll
    static void kqueueRunsHere() {
        assumeTrue(new KqueueBackend().isSupported(), () -> "no kqueue here: " + Natives.unsupportedReason());
    }

    @AfterEach
    void close() throws Exception {
        for (int i = closeLater.size() - 1; i >= 0; i--) {
            closeLater.get(i).close();
        }
        for (Process p : children) {
            p.destroyForcibly();
        }
    }

    private Poll poll() throws IOException {
        Poll p = Poll.open("kqueue");
        closeLater.add(p);
        return p;
    }

    private Process child(String... command) throws IOException {
        Process p = new ProcessBuilder(command).start();
        children.add(p);
        return p;
    }

    private static int awaitEvent(Poll poll, Events events) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (poll.poll(events, Duration.ofMillis(200)) == 0) {
            assertTrue(System.nanoTime() < deadline, "no event within 5 s");
        }
        return events.size();
    }

    @Test
    void aChildThatExitsAfter200Ms() throws Exception {
        Poll poll = poll();
        Process p = child("sleep", "0.2");
        long before = System.nanoTime();
        poll.registry().register(Source.process(p.toHandle()), 31, Interests.READABLE.level());
        Events events = new Events(8);
        assertEquals(1, awaitEvent(poll, events));
        assertEquals(31L, events.token(0));
        assertTrue(events.isReadable(0));
        assertEquals(0L, events.expirations(0));
        assertTrue(System.nanoTime() - before >= 150_000_000L, "not before the child ran its 200 ms");
        assertTrue(p.waitFor(5, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue());
    }

    /** Exited and reaped by the JDK before it was registered: the exit is reported, at once. */
    @Test
    void aChildAlreadyReapedReportsItsExit() throws Exception {
        Poll poll = poll();
        Process p = child("true");
        assertTrue(p.waitFor(5, TimeUnit.SECONDS));
        assertFalse(p.toHandle().isAlive());
        poll.registry().register(Source.process(p.toHandle()), 8, Interests.READABLE.level());
        Events events = new Events(8);
        assertEquals(1, poll.poll(events, Duration.ofSeconds(5)));
        assertEquals(8L, events.token(0));
        // LEVEL: an exited process stays readable.
        assertEquals(1, poll.poll(events, Duration.ZERO));
        assertEquals(8L, events.token(0));
    }

    @Test
    void edgeReportsOncePerRegistrationAndOneshotOncePerArm() throws Exception {
        Poll poll = poll();
        Process a = child("true");
        Process b = child("true");
        assertTrue(a.waitFor(5, TimeUnit.SECONDS));
        assertTrue(b.waitFor(5, TimeUnit.SECONDS));
        Source sa = Source.process(a.toHandle());
        Source sb = Source.process(b.toHandle());
        poll.registry().register(sa, 1, Interests.READABLE.edge());
        poll.registry().register(sb, 2, Interests.READABLE.oneshot());
        Events events = new Events(8);
        Set<Long> tokens = new HashSet<>();
        assertEquals(2, poll.poll(events, Duration.ofSeconds(5)));
        tokens.add(events.token(0));
        tokens.add(events.token(1));
        assertEquals(Set.of(1L, 2L), tokens);
        assertEquals(0, poll.poll(events, Duration.ofMillis(50)), events.toString());

        poll.registry().reregister(sa, 3, Interests.READABLE.edge());
        assertEquals(1, poll.poll(events, Duration.ofSeconds(5)));
        assertEquals(3L, events.token(0));
        poll.registry().reregister(sb, 4, Interests.READABLE.oneshot());
        assertEquals(1, poll.poll(events, Duration.ofSeconds(5)));
        assertEquals(4L, events.token(0));
        assertEquals(0, poll.poll(events, Duration.ofMillis(50)), events.toString());
    }

    @Test
    void deregisterBeforeExitThenNoEvent() throws Exception {
        Poll poll = poll();
        Process p = child("sleep", "0.2");
        Source s = Source.process(p.toHandle());
        poll.registry().register(s, 5, Interests.READABLE.level());
        poll.registry().deregister(s);
        assertTrue(p.waitFor(5, TimeUnit.SECONDS));
        Events events = new Events(8);
        assertEquals(0, poll.poll(events, Duration.ofMillis(300)), events.toString());
        assertThrows(NotRegisteredException.class, () -> poll.registry().deregister(s));
    }

    @Test
    void aSecondRegistrationIsRefused() throws Exception {
        Poll poll = poll();
        Process p = child("sleep", "5");
        Source s = Source.process(p.toHandle());
        poll.registry().register(s, 5, Interests.READABLE.level());
        AlreadyRegisteredException e = assertThrows(AlreadyRegisteredException.class,
                () -> poll.registry().register(s, 6, Interests.READABLE.level()));
        assertEquals("Registry.register pid=" + p.pid() + " token=6: already registered with this Poll", e.getMessage());
    }

    @Test
    void manyChildrenAtOnce() throws Exception {
        Poll poll = poll();
        Set<Long> want = new HashSet<>();
        for (int i = 0; i < 24; i++) {
            Process p = child("sleep", "0." + (i % 4 + 1));
            poll.registry().register(Source.process(p.toHandle()), 100 + i, Interests.READABLE.oneshot());
            want.add(100L + i);
        }
        Set<Long> seen = new HashSet<>();
        Events events = new Events(8);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (seen.size() < want.size() && System.nanoTime() < deadline) {
            int n = poll.poll(events, Duration.ofMillis(200));
            for (int i = 0; i < n; i++) {
                assertTrue(seen.add(events.token(i)), "reported twice: " + events.token(i));
            }
        }
        assertEquals(want, seen);
    }

    /** A poller already waiting learns of an exit found at register (the process had gone). */
    @Test
    void aWaitingPollerLearnsOfAnExitFoundAtRegister() throws Exception {
        Poll poll = poll();
        Process p = child("true");
        assertTrue(p.waitFor(5, TimeUnit.SECONDS));
        AtomicReference<Long> got = new AtomicReference<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread poller = new Thread(() -> {
            Events ev = new Events(8);
            try {
                if (poll.poll(ev, Duration.ofSeconds(20)) > 0) {
                    got.set(ev.token(0));
                }
            } catch (Throwable e) {
                failure.set(e);
            }
        });
        poller.start();
        Thread.sleep(100); // let it block: a register that only lists the exit would leave it there
        poll.registry().register(Source.process(p.toHandle()), 66, Interests.READABLE.oneshot());
        poller.join(5000);
        assertFalse(poller.isAlive(), "the waiting poller was not woken");
        assertNull(failure.get());
        assertEquals(66L, got.get());
    }

    /** Whatever jpoll opened to watch processes (the pidfds over libkqueue) is closed with the Poll. */
    @Test
    void nothingIsLeftOpenAfterClose() throws Exception {
        assumeTrue(OpenFds.listable(), "no /proc/self/fd");
        Map<Integer, String> before = OpenFds.list();
        Poll poll = Poll.open("kqueue");
        List<Process> ps = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            Process p = child("sleep", "5");
            ps.add(p);
            poll.registry().register(Source.process(p.toHandle()), i, Interests.READABLE.level());
        }
        Source first = Source.process(ps.get(0).toHandle());
        poll.registry().deregister(first);
        poll.close();
        for (Process p : ps) {
            p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
        // The children's own pipes (stdin/stdout/stderr) are the JDK's; count only what is left
        // once they are closed too.
        for (Process p : ps) {
            p.getInputStream().close();
            p.getErrorStream().close();
            p.getOutputStream().close();
        }
        assertEquals(before, OpenFds.list(), "descriptors left after close");
    }
}

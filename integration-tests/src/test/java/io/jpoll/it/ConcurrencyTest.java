package io.jpoll.it;

import io.jpoll.Event;
import io.jpoll.Events;
import io.jpoll.Interests;
import io.jpoll.Source;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.channels.DatagramChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReference;

import static io.jpoll.it.Expect.readable;
import static io.jpoll.it.Expect.writable;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One Poll shared by several threads: registry calls from anywhere, several pollers. */
class ConcurrencyTest extends PollFixture {
    private static final long LISTENER = 0x8000_0000_0000_0001L;
    private static final long UDP = 0x8000_0000_0000_0002L;
    private static final long STREAM = 0x8000_0000_0000_0003L;
    private static final long SCRATCH = 0x7FFF_FFFF_FFFF_FFF0L;

    @RepeatedTest(5)
    @DisplayName("8. a registry shared by 3 threads: register/deregister/register/reregister a listener, a UDP socket, a connecting stream")
    void sharedRegistry() throws Exception {
        ServerSocketChannel listener = listener();
        DatagramChannel udp = udp();
        SocketChannel stream = connecting(listener.getLocalAddress());
        CyclicBarrier start = new CyclicBarrier(3);
        ExecutorService threads = Executors.newFixedThreadPool(3);
        try {
            List<Future<Void>> done = new ArrayList<>();
            // Each ends on other interests and another token than it started with, so the final state is visible.
            done.add(threads.submit(churn(start, Source.of(listener), SCRATCH, Interests.WRITABLE, LISTENER, Interests.READABLE)));
            done.add(threads.submit(churn(start, Source.of(udp), SCRATCH + 1, Interests.READABLE, UDP, Interests.WRITABLE)));
            done.add(threads.submit(churn(start, Source.of(stream), SCRATCH + 2, Interests.READABLE, STREAM, Interests.WRITABLE)));
            for (Future<Void> f : done) {
                f.get(5, TimeUnit.SECONDS);
            }
        } finally {
            threads.shutdownNow();
            assertTrue(threads.awaitTermination(5, TimeUnit.SECONDS));
        }
        List<Event> seen = expect(readable(LISTENER), writable(UDP), writable(STREAM));
        assertTrue(seen.stream().allMatch(e -> e.token() == LISTENER || e.token() == UDP || e.token() == STREAM),
                () -> "a scratch token survived: " + seen);
    }

    private Callable<Void> churn(CyclicBarrier start, Source source, long firstToken, Interests first,
                                 long lastToken, Interests last) {
        return () -> {
            start.await(5, TimeUnit.SECONDS);
            registry.register(source, firstToken, first);
            registry.deregister(source);
            registry.register(source, firstToken, first);
            registry.reregister(source, lastToken, last);
            return null;
        };
    }

    @Test
    @DisplayName("register from another thread while this one blocks in poll: the poll reports it")
    void registerDuringABlockedPoll() throws Exception {
        Source source = Source.of(udp());
        Thread main = Thread.currentThread();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread registrar = new Thread(() -> {
            try {
                Pollers.awaitBlockedInPoll(main);
                registry.register(source, UDP, Interests.WRITABLE);
            } catch (Throwable t) {
                failure.set(t);
            }
        }, "registrar");
        registrar.start();
        int n = poll.poll(events, Duration.ofSeconds(5));
        registrar.join(5000);
        assertNull(failure.get(), () -> "the registrar: " + failure.get());
        assertEquals(1, n, () -> "the blocked poll saw: " + events);
        assertEquals(UDP, events.token(0));
        assertTrue(events.isWritable(0));
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    @DisplayName("two threads polling one Poll with ONESHOT: every arming is delivered to exactly one of them")
    void oneshotReachesExactlyOnePoller() throws Exception {
        int sources = 16;
        int armings = 200;
        long base = 0xA11C_E000_0000_0000L;
        Source[] all = new Source[sources];
        AtomicBoolean[] armed = new AtomicBoolean[sources];
        AtomicIntegerArray delivered = new AtomicIntegerArray(sources);
        AtomicInteger total = new AtomicInteger();
        AtomicInteger duplicates = new AtomicInteger();
        AtomicInteger[] perThread = {new AtomicInteger(), new AtomicInteger()};
        for (int i = 0; i < sources; i++) {
            all[i] = Source.of(udp());
            armed[i] = new AtomicBoolean(true);
            registry.register(all[i], base + i, Interests.WRITABLE); // UDP is always writable
        }

        CyclicBarrier start = new CyclicBarrier(2);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        ExecutorService pollers = Executors.newFixedThreadPool(2);
        try {
            List<Future<Void>> done = new ArrayList<>();
            for (int t = 0; t < 2; t++) {
                AtomicInteger mine = perThread[t];
                done.add(pollers.submit(() -> {
                    Events own = new Events(4);
                    start.await(5, TimeUnit.SECONDS);
                    while (total.get() < sources * armings && System.nanoTime() - deadline < 0) {
                        poll.poll(own, Duration.ofMillis(100));
                        for (int i = 0; i < own.size(); i++) {
                            int index = (int) (own.token(i) - base);
                            assertTrue(index >= 0 && index < sources, "unknown token " + own.token(i));
                            mine.incrementAndGet();
                            if (!armed[index].compareAndSet(true, false)) {
                                duplicates.incrementAndGet();
                                continue;
                            }
                            total.incrementAndGet();
                            if (delivered.incrementAndGet(index) < armings) {
                                armed[index].set(true);
                                registry.reregister(all[index], base + index, Interests.WRITABLE);
                            }
                        }
                    }
                    return null;
                }));
            }
            for (Future<Void> f : done) {
                f.get(25, TimeUnit.SECONDS);
            }
        } finally {
            pollers.shutdownNow();
            assertTrue(pollers.awaitTermination(5, TimeUnit.SECONDS));
        }
        assertEquals(0, duplicates.get(), "deliveries of an arming that had been delivered already");
        for (int i = 0; i < sources; i++) {
            assertEquals(armings, delivered.get(i), "deliveries of source " + i);
        }
        assertEquals(sources * armings, perThread[0].get() + perThread[1].get());
        expectNoEvents(); // every registration ended disarmed
    }
}

package io.jpoll.hardening;

import io.jpoll.ClosedPollException;
import io.jpoll.Events;
import io.jpoll.Interests;
import io.jpoll.Poll;
import io.jpoll.Waker;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Rounds of close racing everything else: a thread blocked in {@code poll(null)}, a thread
 * registering and deregistering, a thread creating wakers and waking, and {@code close()} from a
 * fourth at a random moment once all three are busy. Every thread must be gone within
 * {@link #RETURN_LIMIT} of the close, having thrown nothing but {@link ClosedPollException}.
 */
final class CloseRaces {
    static final Duration RETURN_LIMIT = Duration.ofSeconds(1);
    private static final int MAX_FAILURES = 20;

    static final class Result {
        final long seed;
        final int rounds;
        final long polls;
        final long registryCalls;
        final long wakes;
        final long closedExceptions;
        final long maxReturnMicros;
        final List<String> failures;

        Result(long seed, int rounds, long polls, long registryCalls, long wakes, long closedExceptions,
               long maxReturnMicros, List<String> failures) {
            this.seed = seed;
            this.rounds = rounds;
            this.polls = polls;
            this.registryCalls = registryCalls;
            this.wakes = wakes;
            this.closedExceptions = closedExceptions;
            this.maxReturnMicros = maxReturnMicros;
            this.failures = failures;
        }

        @Override
        public String toString() {
            return "close races, " + Seeds.replay(seed) + ": " + rounds + " rounds, " + polls + " polls, "
                    + registryCalls + " registry calls, " + wakes + " wakes, " + closedExceptions
                    + " ClosedPollExceptions, slowest thread returned " + maxReturnMicros + " us after close";
        }
    }

    private final AtomicLong polls = new AtomicLong();
    private final AtomicLong registryCalls = new AtomicLong();
    private final AtomicLong wakes = new AtomicLong();
    private final AtomicLong closed = new AtomicLong();
    private final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    private long maxReturnNanos;

    static Result run(int rounds, long seed) throws Exception {
        return new CloseRaces().rounds(rounds, seed);
    }

    private Result rounds(int rounds, long seed) throws Exception {
        SplittableRandom random = new SplittableRandom(seed);
        int done = 0;
        for (; done < rounds && failures.size() < MAX_FAILURES; done++) {
            round(done, random);
        }
        return new Result(seed, done, polls.get(), registryCalls.get(), wakes.get(), closed.get(),
                TimeUnit.NANOSECONDS.toMicros(maxReturnNanos), new ArrayList<>(failures));
    }

    private void round(int round, SplittableRandom random) throws Exception {
        try (ReadyPair pair = round % 2 == 0 ? ReadyPair.pipe() : ReadyPair.socket()) {
            pair.writeOne(); // every arm of the registrar is ready at once: events reach the poller
            Poll poll = Poll.open();
            Waker longLived = poll.waker(-1);
            CountDownLatch busy = new CountDownLatch(3);
            Thread[] threads = {
                    thread(round, "poller", () -> {
                        Events events = new Events(4);
                        busy.countDown();
                        for (;;) {
                            poll.poll(events, null);
                            polls.incrementAndGet();
                        }
                    }),
                    thread(round, "registrar", () -> {
                        long token = (long) round << 20;
                        for (;; token++) {
                            poll.registry().register(pair.source(), token, Interests.READABLE);
                            busy.countDown();
                            poll.registry().deregister(pair.source());
                            registryCalls.addAndGet(2);
                        }
                    }),
                    thread(round, "waker", () -> {
                        for (long token = 1; ; token++) {
                            try (Waker w = poll.waker(token)) {
                                w.wake();
                                longLived.wake();
                                wakes.addAndGet(2);
                                busy.countDown();
                            }
                        }
                    }),
            };
            if (!busy.await(10, TimeUnit.SECONDS)) {
                failures.add("round " + round + ": the three threads did not all get going within 10 s");
            }
            LockSupport.parkNanos(random.nextInt(300_000)); // close at a random point of their work
            long closeStart = System.nanoTime();
            poll.close();
            long deadline = closeStart + RETURN_LIMIT.toNanos();
            for (Thread t : threads) {
                t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()) + 1));
                if (t.isAlive()) {
                    failures.add("round " + round + ": " + t.getName() + " still running "
                            + RETURN_LIMIT.toMillis() + " ms after close(); stack: " + stack(t));
                }
            }
            maxReturnNanos = Math.max(maxReturnNanos, System.nanoTime() - closeStart);
            longLived.wake(); // after close: a no-op, never a write to a reused descriptor
            longLived.close();
            if (poll.isOpen()) {
                failures.add("round " + round + ": isOpen() after close()");
            }
            for (Thread t : threads) {
                t.join(); // the failure is recorded; do not leave it running into the next round
            }
        }
    }

    private Thread thread(int round, String role, Body body) {
        Thread t = new Thread(() -> {
            try {
                body.run();
            } catch (ClosedPollException expected) {
                closed.incrementAndGet();
            } catch (Throwable e) {
                failures.add("round " + round + ": " + role + " threw " + e + " (only ClosedPollException is allowed)");
            }
        }, "close-race-" + round + "-" + role);
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static String stack(Thread t) {
        StringBuilder sb = new StringBuilder();
        for (StackTraceElement e : t.getStackTrace()) {
            sb.append("\n    at ").append(e);
        }
        return sb.toString();
    }

    @FunctionalInterface
    private interface Body {
        void run() throws Exception;
    }
}

package io.jpoll.hardening;

import io.jpoll.Events;
import io.jpoll.Interests;
import io.jpoll.Poll;
import io.jpoll.Trigger;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Many threads registering, reregistering and deregistering pipes and sockets while two threads
 * poll one Poll and a writer makes random ends readable, checked against a model of what the
 * contract allows. Uses only the public API, so it runs against every backend.
 *
 * <p>Each arm (register or reregister) gets a token of its own, so every event names the one
 * arm it belongs to. A logical clock orders the calls: a poller ticks it just before
 * {@link Poll#poll}, a mutator just after deregister or reregister returned. The checks:
 * <ul>
 *   <li>every event carries a token some arm was given, and is readable;</li>
 *   <li>no token appears in a poll that started after its arm was withdrawn (deregistered or
 *       replaced by reregister), even if its readiness was pending;</li>
 *   <li>ONESHOT: no arm is delivered twice, to the same poller or the other; an arm that holds data
 *       is delivered within {@link #LOSS_TIMEOUT}; at the end every source is armed over data and
 *       each arm yields exactly one event, then nothing more;</li>
 *   <li>EDGE: pollers drain the source to would-block on every event; at the end, with every source
 *       registered, each has been read exactly as many bytes as were written.</li>
 * </ul>
 */
final class ReadinessModel {
    static final Duration LOSS_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration FINAL_TIMEOUT = Duration.ofSeconds(15);
    private static final Duration QUIET = Duration.ofMillis(200);
    private static final int MAX_FAILURES = 20;
    /** EDGE: the writer leaves a source alone while this many bytes are unread, so no end fills up. */
    private static final int MAX_BACKLOG = 256;

    /** What one run did, for the test's report. */
    static final class Result {
        final Trigger trigger;
        final long seed;
        final long operations;
        final long registers;
        final long reregisters;
        final long deregisters;
        final long arms;
        final long writes;
        final long eventsChecked;
        final long bytesRead;
        final long finalArms;
        final long withdrawnWhileReady;
        final long millis;
        final List<String> failures;

        Result(ReadinessModel m, long millis) {
            trigger = m.trigger;
            seed = m.seed;
            registers = m.registers.get();
            reregisters = m.reregisters.get();
            deregisters = m.deregisters.get();
            operations = registers + reregisters + deregisters;
            arms = registers + reregisters;
            writes = m.writes.get();
            eventsChecked = m.eventsChecked.get();
            bytesRead = m.bytesRead.get();
            finalArms = m.finalArms;
            withdrawnWhileReady = m.withdrawnWhileReady.get();
            this.millis = millis;
            failures = new ArrayList<>(m.failures);
        }

        @Override
        public String toString() {
            return trigger + " model, " + Seeds.replay(seed) + ": " + operations + " registry operations ("
                    + registers + " register, " + reregisters + " reregister, " + deregisters + " deregister), "
                    + arms + " arms, " + writes + " writes, " + eventsChecked + " events checked, "
                    + (trigger == Trigger.EDGE ? bytesRead + " bytes drained by pollers, "
                    : withdrawnWhileReady + " arms withdrawn while their event was due, ")
                    + finalArms + " final arms, " + millis + " ms";
        }
    }

    private final Trigger trigger;
    private final long seed;
    private final int mutators;
    private final int slotsPerMutator;
    private final int pollers;
    private final long opsPerMutator;
    private final long deadlineNanos;
    private final long mask;

    private final AtomicLong clock = new AtomicLong();
    private final Map<Long, Delivery> firstDelivery = new ConcurrentHashMap<>();
    private final Map<Long, Long> withdrawnAt = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<long[]> deliveries = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    private final AtomicInteger failureCount = new AtomicInteger();
    private final AtomicLong registers = new AtomicLong();
    private final AtomicLong reregisters = new AtomicLong();
    private final AtomicLong deregisters = new AtomicLong();
    private final AtomicLong writes = new AtomicLong();
    private final AtomicLong eventsChecked = new AtomicLong();
    private final AtomicLong bytesRead = new AtomicLong();
    private final AtomicLong withdrawnWhileReady = new AtomicLong();
    private final Object progress = new Object();
    private volatile boolean stopMutators;
    private volatile boolean stopWriter;
    private volatile boolean stopPollers;
    private long finalArms;

    private Slot[] slots;
    private Poll poll;

    /**
     * @param opsPerMutator registry operations each mutator performs at most
     * @param maxRun        the longest the random phase runs, whatever the operation count
     */
    ReadinessModel(Trigger trigger, long seed, int mutators, int slotsPerMutator, int pollers,
                   long opsPerMutator, Duration maxRun) {
        this.trigger = trigger;
        this.seed = seed;
        this.mutators = mutators;
        this.slotsPerMutator = slotsPerMutator;
        this.pollers = pollers;
        this.opsPerMutator = opsPerMutator;
        this.deadlineNanos = System.nanoTime() + maxRun.toNanos();
        this.mask = new SplittableRandom(seed).nextLong() | Long.MIN_VALUE;
    }

    /** One source and what the model knows of it. */
    private static final class Slot {
        final int index;
        final ReadyPair pair;
        /** The newest generation handed out; pollers read it to recognise tokens. */
        volatile int issuedGen;
        // Owned by the slot's mutator (and by the main thread once mutators stopped):
        boolean registered;
        long token;
        int gen;
        long armedAt;
        // ONESHOT, guarded by the pair's monitor: whether unread data is in the pipe, since when.
        boolean hasData;
        long dataAt;
        // EDGE:
        final AtomicLong written = new AtomicLong();
        final AtomicLong read = new AtomicLong();

        Slot(int index, ReadyPair pair) {
            this.index = index;
            this.pair = pair;
        }
    }

    /** Where and when a token was first seen. */
    private static final class Delivery {
        final int poller;
        final long pollStart;

        Delivery(int poller, long pollStart) {
            this.poller = poller;
            this.pollStart = pollStart;
        }
    }

    Result run() throws Exception {
        long started = System.nanoTime();
        SplittableRandom master = new SplittableRandom(seed);
        slots = new Slot[mutators * slotsPerMutator];
        try (Poll p = Poll.open()) {
            poll = p;
            for (int i = 0; i < slots.length; i++) {
                slots[i] = new Slot(i, ReadyPair.mixed(i));
            }
            List<Thread> pollerThreads = new ArrayList<>();
            for (int i = 0; i < pollers; i++) {
                int id = i;
                pollerThreads.add(start("poller-" + i, () -> pollLoop(id)));
            }
            List<Thread> mutatorThreads = new ArrayList<>();
            for (int m = 0; m < mutators; m++) {
                int first = m * slotsPerMutator;
                SplittableRandom random = master.split();
                mutatorThreads.add(start("mutator-" + m, () -> mutate(first, random)));
            }
            SplittableRandom writerRandom = master.split();
            Thread writer = start("writer", () -> write(writerRandom));

            joinAll(mutatorThreads, Duration.ofMinutes(5));
            stopWriter = true;
            joinAll(List.of(writer), Duration.ofSeconds(30));
            if (failures.isEmpty()) {
                finish();
            }
            stopPollers = true;
            joinAll(pollerThreads, Duration.ofSeconds(30));
            checkWithdrawals();
        } finally {
            for (Slot s : slots) {
                if (s != null) {
                    s.pair.close();
                }
            }
        }
        return new Result(this, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
    }

    private Thread start(String name, ThrowingRunnable body) {
        Thread t = new Thread(() -> {
            try {
                body.run();
            } catch (Throwable e) {
                fail(Thread.currentThread().getName() + " threw " + stackOf(e));
                stopMutators = true;
            }
        }, "model-" + trigger + "-" + name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    private void joinAll(List<Thread> threads, Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        for (Thread t : threads) {
            t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            if (t.isAlive()) {
                fail(t.getName() + " did not finish within " + limit);
                stopMutators = true;
                stopWriter = true;
                stopPollers = true;
            }
        }
    }

    // ---- pollers ----

    private void pollLoop(int id) throws IOException {
        Events events = new Events(8); // small, so a busy poll leaves events for the next call
        while (!stopPollers) {
            long start = clock.incrementAndGet();
            poll.poll(events, Duration.ofMillis(50));
            for (int i = 0; i < events.size(); i++) {
                check(id, start, events.token(i), events.isReadable(i), events.isWritable(i));
            }
        }
    }

    private void check(int poller, long pollStart, long token, boolean readable, boolean writable) throws IOException {
        eventsChecked.incrementAndGet();
        long x = token ^ mask;
        int index = (int) (x >>> 32);
        int gen = (int) x;
        if (index < 0 || index >= slots.length || gen <= 0 || gen > slots[index].issuedGen) {
            fail("poller " + poller + " got token " + token + ", which no registration was given");
            return;
        }
        Slot slot = slots[index];
        if (!readable || writable) {
            fail("token " + token + " (" + slot.pair + " arm " + gen + ") came with readable=" + readable
                    + " writable=" + writable + "; it was registered READABLE only");
        }
        deliveries.add(new long[]{token, pollStart, poller});
        Delivery first = firstDelivery.putIfAbsent(token, new Delivery(poller, pollStart));
        if (trigger == Trigger.ONESHOT) {
            if (first != null) {
                fail("ONESHOT arm delivered twice: token " + token + " (" + slot.pair + " arm " + gen
                        + ") to poller " + first.poller + " in poll #" + first.pollStart + " and to poller "
                        + poller + " in poll #" + pollStart);
            }
        } else {
            long n = slot.pair.drain();
            slot.read.addAndGet(n);
            bytesRead.addAndGet(n);
        }
        synchronized (progress) {
            progress.notifyAll();
        }
    }

    // ---- writer ----

    private void write(SplittableRandom random) throws IOException {
        while (!stopWriter) {
            Slot slot = slots[random.nextInt(slots.length)];
            if (trigger == Trigger.ONESHOT) {
                synchronized (slot.pair) {
                    if (!slot.hasData && slot.pair.writeOne()) {
                        slot.hasData = true;
                        slot.dataAt = System.nanoTime();
                        writes.incrementAndGet();
                    }
                }
            } else if (slot.written.get() - slot.read.get() < MAX_BACKLOG && slot.pair.writeOne()) {
                slot.written.incrementAndGet();
                writes.incrementAndGet();
            }
            pause(random, 40_000);
        }
    }

    // ---- mutators ----

    private void mutate(int first, SplittableRandom random) throws IOException {
        for (long op = 0; op < opsPerMutator && !stopMutators && System.nanoTime() < deadlineNanos; ) {
            Slot slot = slots[first + random.nextInt(slotsPerMutator)];
            if (trigger == Trigger.ONESHOT ? oneshotStep(slot, random) : edgeStep(slot, random)) {
                op++;
            }
            pause(random, 60_000);
        }
    }

    /** One step on a ONESHOT slot; true if it made a registry call. */
    private boolean oneshotStep(Slot slot, SplittableRandom random) throws IOException {
        Interests interests = Interests.READABLE.oneshot();
        if (!slot.registered) {
            poll.registry().register(slot.pair.source(), arm(slot), interests);
            slot.registered = true;
            registers.incrementAndGet();
            return true;
        }
        if (firstDelivery.containsKey(slot.token)) {
            // Fired: consume the data, then arm again or let go.
            synchronized (slot.pair) {
                slot.pair.drain();
                slot.hasData = false;
            }
            if (random.nextInt(5) > 0) {
                rearm(slot, interests);
            } else {
                unregister(slot);
            }
            return true;
        }
        boolean ready;
        long readySince;
        synchronized (slot.pair) {
            ready = slot.hasData;
            readySince = Math.max(slot.dataAt, slot.armedAt);
        }
        // Withdrawing an arm that holds data races its event on purpose; rarely, so that most ready
        // arms stay long enough to prove they are delivered.
        if (random.nextInt(ready ? 12 : 6) == 0) {
            if (ready) {
                withdrawnWhileReady.incrementAndGet();
            }
            if (random.nextBoolean()) {
                rearm(slot, interests);
            } else {
                unregister(slot);
            }
            return true;
        }
        if (ready && System.nanoTime() - readySince > LOSS_TIMEOUT.toNanos()) {
            fail("ONESHOT event lost: " + slot.pair + " armed with token " + slot.token + " (arm " + slot.gen
                    + ") and readable for over " + LOSS_TIMEOUT.toMillis() + " ms, yet no poll reported it");
            stopMutators = true;
        }
        return false;
    }

    /** One step on an EDGE slot; always a registry call. */
    private boolean edgeStep(Slot slot, SplittableRandom random) throws IOException {
        Interests interests = Interests.READABLE.edge();
        if (!slot.registered) {
            poll.registry().register(slot.pair.source(), arm(slot), interests);
            slot.registered = true;
            registers.incrementAndGet();
        } else if (random.nextBoolean()) {
            rearm(slot, interests);
        } else {
            unregister(slot);
        }
        return true;
    }

    private long arm(Slot slot) {
        slot.gen++;
        slot.issuedGen = slot.gen;
        slot.token = mask ^ (((long) slot.index << 32) | (slot.gen & 0xFFFF_FFFFL));
        slot.armedAt = System.nanoTime();
        return slot.token;
    }

    private void rearm(Slot slot, Interests interests) throws IOException {
        long old = slot.token;
        poll.registry().reregister(slot.pair.source(), arm(slot), interests);
        withdrawnAt.put(old, clock.incrementAndGet());
        reregisters.incrementAndGet();
    }

    private void unregister(Slot slot) throws IOException {
        poll.registry().deregister(slot.pair.source());
        withdrawnAt.put(slot.token, clock.incrementAndGet());
        slot.registered = false;
        deregisters.incrementAndGet();
    }

    // ---- the end ----

    /** With writer and mutators stopped: the checks only a quiet system allows. */
    private void finish() throws Exception {
        Interests interests = trigger == Trigger.ONESHOT ? Interests.READABLE.oneshot() : Interests.READABLE.edge();
        for (Slot slot : slots) {
            if (trigger == Trigger.ONESHOT) {
                synchronized (slot.pair) {
                    if (slot.registered && firstDelivery.containsKey(slot.token)) {
                        slot.pair.drain();
                        slot.hasData = false;
                    }
                    if (!slot.hasData) {
                        if (!slot.pair.writeOne()) {
                            throw new IllegalStateException(slot.pair + ": cannot write one byte");
                        }
                        slot.hasData = true;
                    }
                }
                if (!slot.registered) {
                    poll.registry().register(slot.pair.source(), arm(slot), interests);
                    slot.registered = true;
                    registers.incrementAndGet();
                } else if (firstDelivery.containsKey(slot.token)) {
                    rearm(slot, interests);
                }
            } else if (!slot.registered) {
                poll.registry().register(slot.pair.source(), arm(slot), interests);
                slot.registered = true;
                registers.incrementAndGet();
            }
            finalArms++;
        }
        long deadline = System.nanoTime() + FINAL_TIMEOUT.toNanos();
        synchronized (progress) {
            while (!settled()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                progress.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
            }
        }
        for (Slot slot : slots) {
            if (trigger == Trigger.ONESHOT && !firstDelivery.containsKey(slot.token)) {
                fail("ONESHOT event lost at the end: " + slot.pair + " armed with token " + slot.token + " (arm "
                        + slot.gen + ") over unread data; no event within " + FINAL_TIMEOUT.toSeconds() + " s");
            } else if (trigger == Trigger.EDGE && slot.read.get() != slot.written.get()) {
                fail("EDGE readiness missed: " + slot.pair + " (token " + slot.token + ") had " + slot.written.get()
                        + " bytes written and " + slot.read.get() + " drained after " + FINAL_TIMEOUT.toSeconds()
                        + " s with every source registered");
            }
        }
        // Not a synchronisation: a window in which nothing more may arrive. An event now is a
        // duplicate (ONESHOT, which the pollers flag) or a late edge for a drained source (EDGE).
        long quietEnd = System.nanoTime() + QUIET.toNanos();
        while (System.nanoTime() < quietEnd) {
            LockSupport.parkNanos(quietEnd - System.nanoTime());
        }
    }

    private boolean settled() {
        for (Slot slot : slots) {
            if (trigger == Trigger.ONESHOT ? !firstDelivery.containsKey(slot.token)
                    : slot.read.get() != slot.written.get()) {
                return false;
            }
        }
        return true;
    }

    /** No token may come from a poll that started after its arm was withdrawn. */
    private void checkWithdrawals() {
        for (long[] d : deliveries) {
            Long withdrawn = withdrawnAt.get(d[0]);
            if (withdrawn != null && withdrawn < d[1]) {
                fail("token " + d[0] + " reported to poller " + d[2] + " by poll #" + d[1]
                        + ", which started after its registration was withdrawn at #" + withdrawn);
            }
        }
    }

    // ---- helpers ----

    private void fail(String message) {
        int n = failureCount.incrementAndGet();
        if (n <= MAX_FAILURES) {
            failures.add(message);
        }
        if (n >= MAX_FAILURES) {
            stopMutators = true; // enough to go on; the rest would only repeat
        }
    }

    private static void pause(SplittableRandom random, int maxNanos) {
        LockSupport.parkNanos(1 + random.nextInt(maxNanos));
    }

    private static String stackOf(Throwable e) {
        java.io.StringWriter w = new java.io.StringWriter();
        e.printStackTrace(new java.io.PrintWriter(w));
        return w.toString();
    }

    @FunctionalInterface
    private interface ThrowingRunnable {
        void run() throws Exception;
    }
}

package io.jpoll.spi;

import java.io.IOException;
import java.util.Arrays;

/**
 * The armed timers of one selector, in a binary heap keyed by absolute {@link System#nanoTime()}
 * deadline, behind one kernel timer (the {@link Alarm}) that the backend supplies.
 *
 * <p><b>Why.</b> A kernel timer per {@code io.jpoll.Timer} costs a system call on every set and
 * cancel, which makes arming and cancelling a timeout many times dearer than an executor's. Here
 * set and cancel are heap operations under one lock; the kernel timer is touched only when the
 * earliest deadline moves earlier than what it is armed for. A cancel, or a re-set to a later
 * deadline, leaves it armed too early: it then fires with nothing due, and the poller that drains
 * it just arms it again for the real earliest deadline.
 *
 * <p><b>The backend's part.</b> The alarm must make a poll wake at or after the deadline it was
 * given, against {@code System.nanoTime}, and the poller that consumes that wake-up (exactly one
 * does: the one whose read of the kernel timer's count succeeded) must then call
 * {@link #drainDue}. Every heap operation and every {@link Alarm#arm} run under this queue's lock,
 * so the kernel timer is armed in the order the queue decided.
 *
 * <p><b>Guarantees.</b> A timer is reported only once {@code System.nanoTime()} has reached its
 * deadline (never early). Each expiry is taken out of the heap under the lock by one drainer, so
 * it reaches exactly one poller. A {@link Entry#set} or {@link Entry#cancel} that has returned
 * leaves no trace of the earlier setting in the heap, so no later drain reports it. Nothing is
 * allocated per set, cancel or expiry; the heap array grows by doubling when more timers are
 * armed at once than ever before.
 */
public final class TimerQueue {
    /**
     * The one kernel timer behind a queue: a timerfd, an {@code EVFILT_TIMER}, a waitable timer.
     */
    public interface Alarm {
        /**
         * Arms the kernel timer, replacing its earlier setting, to wake a poll once
         * {@code System.nanoTime()} reaches {@code deadlineNanos}: at once if that is already
         * past. Called under the queue's lock.
         *
         * @param deadlineNanos an absolute {@code System.nanoTime()} value
         * @throws IOException if the OS refuses
         */
        void arm(long deadlineNanos) throws IOException;
    }

    /** {@link #armedFor} when the kernel timer is not counted on to fire. */
    private static final long NONE = Long.MAX_VALUE;

    private final Alarm alarm;
    private final Object lock = new Object();
    /** Guarded by {@link #lock}: the heap, entries 0 to size - 1; the earliest at 0. */
    private Entry[] heap = new Entry[16];
    private int size;
    /**
     * Guarded by {@link #lock}: the deadline the kernel timer was last armed for, or
     * {@link #NONE}. While not NONE, the kernel timer fires at that deadline or has fired, and the
     * poller that consumes the firing will drain.
     */
    private long armedFor = NONE;

    /**
     * Makes an empty queue.
     *
     * @param alarm the backend's kernel timer
     */
    public TimerQueue(Alarm alarm) {
        this.alarm = alarm;
    }

    /**
     * Makes a disarmed timer in this queue.
     *
     * @param token the token its expiries are reported with
     * @return the timer, which the backend may hand out as its {@link TimerHandle}
     */
    public Entry newTimer(long token) {
        return new Entry(this, token);
    }

    /**
     * The number of armed timers.
     *
     * @return how many timers are in the heap now
     */
    public int armed() {
        synchronized (lock) {
            return size;
        }
    }

    /**
     * Reports the timers due at {@code now}, earliest first, as many as {@code sink} has room
     * for: each as one event with its token, {@link EventSink#READABLE}, and the number of
     * expiries it stands for. A periodic timer goes back into the heap at its next deadline after
     * {@code now}, its missed periods merged into the count; a single-shot timer is disarmed. The
     * kernel timer is then armed for the earliest deadline left, at once if the sink had no room
     * for every due timer, so that the next poll reports the rest.
     *
     * <p>Called by the poller that consumed the kernel timer's firing; harmless at any other time.
     *
     * @param now  {@code System.nanoTime()}, read after the firing was consumed
     * @param sink where the events go
     * @return how many events were added
     * @throws IOException if re-arming the kernel timer fails; the events added stay reported
     */
    public int drainDue(long now, EventSink sink) throws IOException {
        int room = sink.remaining();
        int added = 0;
        synchronized (lock) {
            while (size > 0 && added < room) {
                Entry e = heap[0];
                if (e.deadline > now) {
                    break;
                }
                long count;
                if (e.period == 0) {
                    count = 1;
                    removeAt(0);
                } else {
                    long missed = (now - e.deadline) / e.period;
                    count = missed + 1;
                    e.deadline = saturatingAdd(e.deadline, saturatingMultiply(count, e.period));
                    siftDown(0);
                }
                sink.add(e.token, EventSink.READABLE, count);
                added++;
            }
            if (size == 0) {
                // The kernel timer may still fire for an earlier setting: a drain of nothing.
                armedFor = NONE;
            } else {
                long earliest = heap[0].deadline;
                // Keep the alarm only if it is still to come and no later than the earliest:
                // a firing still to happen, that some poller will consume and drain after.
                if (armedFor <= now || armedFor > earliest) {
                    arm(earliest);
                }
            }
        }
        return added;
    }

    /** Arms the kernel timer for {@code deadline}; on failure, nothing is counted on. */
    private void arm(long deadline) throws IOException {
        try {
            alarm.arm(deadline);
            armedFor = deadline;
        } catch (IOException | RuntimeException e) {
            armedFor = NONE;
            throw e;
        }
    }

    /** Arms {@code e} at an absolute deadline; tests call it with a clock of their own. */
    void schedule(Entry e, long deadline, long period) throws IOException {
        synchronized (lock) {
            e.period = period;
            if (e.index >= 0) {
                long old = e.deadline;
                e.deadline = deadline;
                if (deadline < old) {
                    siftUp(e.index);
                } else {
                    siftDown(e.index);
                }
            } else {
                e.deadline = deadline;
                if (size == heap.length) {
                    heap = Arrays.copyOf(heap, size * 2);
                }
                heap[size] = e;
                e.index = size++;
                siftUp(e.index);
            }
            if (deadline < armedFor) {
                try {
                    arm(deadline);
                } catch (IOException | RuntimeException failure) {
                    // The kernel timer would not fire for it: a set that failed leaves it disarmed.
                    removeAt(e.index);
                    throw failure;
                }
            }
        }
    }

    private void unschedule(Entry e) {
        synchronized (lock) {
            if (e.index >= 0) {
                removeAt(e.index);
            }
        }
    }

    private void removeAt(int i) {
        Entry removed = heap[i];
        int last = --size;
        Entry moved = heap[last];
        heap[last] = null;
        removed.index = -1;
        if (i != last) {
            heap[i] = moved;
            moved.index = i;
            if (i > 0 && moved.deadline < heap[(i - 1) >>> 1].deadline) {
                siftUp(i);
            } else {
                siftDown(i);
            }
        }
    }

    private void siftUp(int i) {
        Entry e = heap[i];
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            Entry p = heap[parent];
            if (p.deadline <= e.deadline) {
                break;
            }
            heap[i] = p;
            p.index = i;
            i = parent;
        }
        heap[i] = e;
        e.index = i;
    }

    private void siftDown(int i) {
        Entry e = heap[i];
        int half = size >>> 1;
        while (i < half) {
            int child = 2 * i + 1;
            Entry c = heap[child];
            int right = child + 1;
            if (right < size && heap[right].deadline < c.deadline) {
                child = right;
                c = heap[child];
            }
            if (e.deadline <= c.deadline) {
                break;
            }
            heap[i] = c;
            c.index = i;
            i = child;
        }
        heap[i] = e;
        e.index = i;
    }

    static long saturatingAdd(long a, long b) {
        long r = a + b;
        // Overflow only when both have the sign opposite to the result's.
        return ((a ^ r) & (b ^ r)) < 0 ? (b > 0 ? Long.MAX_VALUE : Long.MIN_VALUE) : r;
    }

    private static long saturatingMultiply(long a, long b) {
        long hi = Math.multiplyHigh(a, b);
        long lo = a * b;
        return (hi == 0 && lo >= 0) ? lo : Long.MAX_VALUE;
    }

    /**
     * One timer of a {@link TimerQueue}: its place in the heap, its deadline and period. It has no
     * native resource of its own, so closing it only takes it out of the heap.
     */
    public static final class Entry implements TimerHandle {
        private final TimerQueue queue;
        private final long token;
        /** Guarded by the queue's lock: the position in the heap, or -1 when not armed. */
        private int index = -1;
        /** Guarded by the queue's lock: the next expiry, an absolute System.nanoTime() value. */
        private long deadline;
        /** Guarded by the queue's lock: 0 for a single expiry. */
        private long period;

        private Entry(TimerQueue queue, long token) {
            this.queue = queue;
            this.token = token;
        }

        /**
         * The token this timer reports.
         *
         * @return the token given at {@link TimerQueue#newTimer}
         */
        public long token() {
            return token;
        }

        // The deadline is System.nanoTime() + delayNanos (saturating), read here: never early
        // against the caller's clock.
        @Override
        public void set(long delayNanos, long periodNanos) throws IOException {
            queue.schedule(this, saturatingAdd(System.nanoTime(), Math.max(1, delayNanos)), periodNanos);
        }

        // Takes the timer out of the heap; it never touches the kernel timer.
        @Override
        public void cancel() {
            queue.unschedule(this);
        }

        // Takes the timer out of the heap; there is nothing else to release.
        @Override
        public void close() {
            queue.unschedule(this);
        }

        @Override
        public String toString() {
            return "TimerQueue.Entry{token=" + token + "}";
        }
    }
}

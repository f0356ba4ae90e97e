package io.jpoll.hardening;

import io.jpoll.Events;
import io.jpoll.Interests;
import io.jpoll.Poll;
import io.jpoll.Registry;
import io.jpoll.Trigger;
import io.jpoll.Waker;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The repetitive workloads of the leak test and the soak: whole Poll lifecycles, and registration
 * churn on one Poll. Each checks what it gets back, so a run is also a functional test.
 */
final class LeakCycles {
    /** Large enough that a leaked event buffer (one per poller) is kilobytes, not bytes. */
    static final int EVENTS = 1024;

    private LeakCycles() {
    }

    /**
     * Opens a Poll, makes a waker, wakes it, polls the wake back, closes. Every other cycle closes
     * the waker itself; the rest leave it to {@link Poll#close}.
     */
    static void lifecycles(int cycles, Events events) throws IOException {
        for (int i = 0; i < cycles; i++) {
            long token = 0x5EED_0000_0000L + i;
            Poll poll = Poll.open();
            try {
                Waker waker = poll.waker(token);
                waker.wake();
                int n = poll.poll(events, Duration.ofSeconds(5));
                if (n != 1 || events.token(0) != token || !events.isReadable(0)) {
                    throw new AssertionError("cycle " + i + ": expected the wake of token " + token + ", got " + events);
                }
                if (i % 2 == 0) {
                    waker.close();
                }
            } finally {
                poll.close();
            }
        }
    }

    /** Registers and deregisters each of the sources in turn, {@code pairs} times in all. */
    static void registrations(Poll poll, List<ReadyPair> sources, int pairs) throws IOException {
        Registry registry = poll.registry();
        Trigger[] triggers = Trigger.values();
        for (int i = 0; i < pairs; i++) {
            ReadyPair pair = sources.get(i % sources.size());
            Trigger trigger = triggers[i % triggers.length];
            if (poll.supports(trigger)) {
                registry.register(pair.source(), i, Interests.READABLE.with(trigger));
                registry.deregister(pair.source());
            } else {
                registry.register(pair.source(), i, Interests.READABLE);
                registry.deregister(pair.source());
            }
        }
    }

    static List<ReadyPair> openPairs(int count) throws IOException {
        List<ReadyPair> pairs = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            pairs.add(ReadyPair.mixed(i));
        }
        return pairs;
    }

    static void closeAll(List<ReadyPair> pairs) throws IOException {
        for (ReadyPair p : pairs) {
            p.close();
        }
    }

    static Events events() {
        return new Events(EVENTS);
    }
}

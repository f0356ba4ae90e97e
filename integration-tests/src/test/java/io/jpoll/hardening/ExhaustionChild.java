package io.jpoll.hardening;

import com.sun.jna.Native;
import io.jpoll.Events;
import io.jpoll.Interests;
import io.jpoll.NativeException;
import io.jpoll.Poll;
import io.jpoll.Source;
import io.jpoll.Waker;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;

/**
 * The child JVM of {@link ExhaustionTest}: lowers its own descriptor limit (setrlimit), fills every
 * free slot with dup()s of one eventfd, then frees exactly as many slots as each step needs, so a
 * step that fails half-way would visibly keep a slot. Prints one {@code STEP name: outcome} line
 * per step for the parent to check, and exits 0 only if every step behaved.
 */
final class ExhaustionChild {
    private static final Deque<Integer> fillers = new ArrayDeque<>();
    private static int template;

    private ExhaustionChild() {
    }

    public static void main(String[] args) throws Exception {
        ReadyPair pair = ReadyPair.pipe();
        warmUp(pair);
        int[] cost = measureCost();
        int pollFds = cost[0];
        int wakerFds = cost[1];
        step("cost", "a Poll takes " + pollFds + " descriptor(s), a waker " + wakerFds);
        lowerLimit();
        fill();
        step("filled", fillers.size() + " dup()s until EMFILE");

        expectOpenFails("open-0-free");
        expectFree(0, "after open-0-free");

        if (pollFds >= 2) {
            // The first descriptor is got, a later one fails: the first must be given back.
            free(pollFds - 1);
            expectOpenFails("open-partial-free");
            expectFree(pollFds - 1, "after open-partial-free"); // refills them
        }
        free(pollFds);
        Poll poll = Poll.open();
        step("open-enough-free", "opened");
        expectFree(0, "after open-enough-free");

        try {
            Waker w = poll.waker(5);
            w.close();
            if (wakerFds > 0) {
                throw new AssertionError("waker with no free fd succeeded");
            }
            step("waker-0-free", "opened (this backend needs no descriptor per waker)");
        } catch (NativeException e) {
            report("waker-0-free", e);
        }
        expectFree(0, "after waker-0-free");

        long registerToken = 9;
        try {
            poll.registry().register(pair.source(), registerToken, Interests.READABLE);
            step("register-0-free", "registered (this backend needs no descriptor per registration)");
        } catch (NativeException e) {
            report("register-0-free", e);
            registerToken = -1;
        }
        expectFree(0, "after register-0-free");

        // Usable again once descriptors are freed.
        free(1);
        Waker waker = poll.waker(6);
        waker.wake();
        if (registerToken < 0) {
            poll.registry().register(pair.source(), 9, Interests.READABLE);
        }
        pair.writeOne();
        Events events = new Events(8);
        java.util.Set<Long> tokens = new java.util.TreeSet<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (tokens.size() < 2 && System.nanoTime() < deadline) {
            poll.poll(events, Duration.ofSeconds(1));
            events.forEach(e -> tokens.add(e.token()));
        }
        if (!tokens.equals(new java.util.TreeSet<>(java.util.List.of(6L, 9L)))) {
            throw new AssertionError("after freeing fds the Poll reported " + tokens + ", expected [6, 9]");
        }
        step("usable-again", "tokens " + tokens);
        waker.close();
        poll.close();
        while (!fillers.isEmpty()) {
            LinuxC.close(fillers.pop());
        }
        pair.close();
        step("done", "ok");
    }

    /** Runs every path once, so no class loading or JNA binding needs a descriptor later. */
    private static void warmUp(ReadyPair pair) throws IOException {
        try (Poll poll = Poll.open(); Waker w = poll.waker(1)) {
            w.wake();
            poll.registry().register(pair.source(), 2, Interests.READABLE);
            poll.poll(new Events(4), Duration.ofSeconds(1));
            poll.registry().deregister(pair.source());
            try {
                poll.registry().register(Source.fd(Integer.MAX_VALUE), 3, Interests.READABLE);
            } catch (NativeException expected) {
                // EBADF: loads the exception path and strerror
            }
        }
        step("warm-up", "ok");
    }

    /** Descriptors one Poll and one waker take on this backend, measured after the warm-up. */
    private static int[] measureCost() throws IOException {
        int before = ProcessResources.fdTargets().size();
        try (Poll poll = Poll.open()) {
            int withPoll = ProcessResources.fdTargets().size();
            try (Waker w = poll.waker(1)) {
                int withWaker = ProcessResources.fdTargets().size();
                check(withPoll > before, "a Poll took no descriptor");
                return new int[]{withPoll - before, withWaker - withPoll};
            }
        }
    }

    private static void lowerLimit() {
        int highest = Collections.max(ProcessResources.fdTargets().keySet());
        long[] limit = new long[2];
        check(LinuxC.getrlimit(LinuxC.RLIMIT_NOFILE, limit) == 0, "getrlimit");
        long soft = highest + 33L;
        check(LinuxC.setrlimit(LinuxC.RLIMIT_NOFILE, new long[]{soft, limit[1]}) == 0, "setrlimit");
        step("limit", "RLIMIT_NOFILE soft " + limit[0] + " -> " + soft + " (highest open fd " + highest + ")");
    }

    private static void fill() {
        template = LinuxC.eventfd(0, LinuxC.O_CLOEXEC);
        check(template >= 0, "eventfd for the filler template");
        for (;;) {
            int fd = LinuxC.dup(template);
            if (fd < 0) {
                int errno = Native.getLastError();
                check(errno == LinuxC.EMFILE, "dup stopped with errno " + errno + ", not EMFILE");
                return;
            }
            fillers.push(fd);
        }
    }

    private static void free(int n) {
        for (int i = 0; i < n; i++) {
            LinuxC.close(fillers.pop());
        }
    }

    /** Exactly {@code n} slots are free: n dup()s succeed, the next fails with EMFILE. */
    private static void expectFree(int n, String when) {
        for (int i = 0; i < n; i++) {
            int fd = LinuxC.dup(template);
            check(fd >= 0, when + ": expected " + n + " free descriptors, found " + i + " (something kept one)");
            fillers.push(fd);
        }
        int extra = LinuxC.dup(template);
        if (extra >= 0) {
            fillers.push(extra);
            throw new AssertionError(when + ": expected " + n + " free descriptors, found more");
        }
    }

    private static void expectOpenFails(String name) throws IOException {
        try {
            Poll p = Poll.open();
            p.close();
            throw new AssertionError(name + ": Poll.open succeeded without free descriptors");
        } catch (NativeException e) {
            report(name, e);
        }
    }

    private static void report(String name, NativeException e) {
        step(name, "NativeException errorName=" + e.errorName() + " errorCode=" + e.errorCode()
                + " operation=" + e.operation() + " message=" + e.getMessage());
    }

    private static void step(String name, String outcome) {
        System.out.println("STEP " + name + ": " + outcome);
        System.out.flush();
    }

    private static void check(boolean ok, String what) {
        if (!ok) {
            throw new AssertionError(what);
        }
    }
}

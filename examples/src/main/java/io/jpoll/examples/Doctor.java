package io.jpoll.examples;

import io.jpoll.Events;
import io.jpoll.Interests;
import io.jpoll.Poll;
import io.jpoll.Source;
import io.jpoll.Trigger;
import io.jpoll.Waker;

import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Says what jpoll sees on this machine and checks that it works: a waker round trip, a pipe
 * becoming readable with the exact token, a timeout, and a close that releases a blocked poller.
 * Exits 1 if a check fails.
 */
public final class Doctor {
    private static int failures;

    private Doctor() {
    }

    public static void main(String[] args) throws Exception {
        System.out.println("os:       " + System.getProperty("os.name") + " " + System.getProperty("os.version")
                + " " + System.getProperty("os.arch"));
        System.out.println("java:     " + System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        System.out.println("jna:      " + com.sun.jna.Native.VERSION + " (native " + com.sun.jna.Native.VERSION_NATIVE + ")");
        try (Poll poll = Poll.open()) {
            System.out.println("backend:  " + poll.backend());
            java.util.ServiceLoader.load(io.jpoll.spi.Backend.class).stream().map(java.util.ServiceLoader.Provider::get).filter(b -> b.name().equals(poll.backend())).forEach(b -> System.out.println("binding:  " + b));
            StringBuilder triggers = new StringBuilder();
            for (Trigger t : Trigger.values()) {
                triggers.append(t).append(poll.supports(t) ? " yes  " : " no  ");
            }
            System.out.println("triggers: " + triggers.toString().trim());
            checkWaker(poll);
            checkPipe(poll);
            checkTimeout(poll);
        }
        checkClose();
        System.out.println(failures == 0 ? "all checks passed" : failures + " check(s) FAILED");
        System.exit(failures == 0 ? 0 : 1);
    }

    private static void checkWaker(Poll poll) throws Exception {
        Events events = new Events(4);
        try (Waker waker = poll.waker(-7)) {
            Thread t = new Thread(waker::wake);
            t.start();
            poll.poll(events, Duration.ofSeconds(2));
            t.join();
            report("waker from another thread", events.size() == 1 && events.token(0) == -7 && events.isReadable(0), events);
        }
    }

    private static void checkPipe(Poll poll) throws Exception {
        Pipe pipe = Pipe.open();
        try (Pipe.SourceChannel in = pipe.source(); Pipe.SinkChannel out = pipe.sink()) {
            in.configureBlocking(false);
            long token = 0xDEADBEEFCAFEBABEL;
            poll.registry().register(Source.of(in), token, Interests.READABLE);
            out.write(ByteBuffer.wrap(new byte[]{42}));
            Events events = new Events(4);
            poll.poll(events, Duration.ofSeconds(2));
            report("pipe readable, 64-bit token intact", events.size() == 1 && events.token(0) == token && events.isReadable(0), events);
            poll.registry().deregister(Source.of(in));
        }
    }

    private static void checkTimeout(Poll poll) throws Exception {
        Events events = new Events(4);
        long start = System.nanoTime();
        int n = poll.poll(events, Duration.ofMillis(100));
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        report("100 ms timeout (took " + ms + " ms)", n == 0 && ms >= 100, events);
    }

    private static void checkClose() throws Exception {
        Poll poll = Poll.open();
        CountDownLatch returned = new CountDownLatch(1);
        Thread t = new Thread(() -> {
            try {
                poll.poll(new Events(1), null);
            } catch (Exception e) {
                System.out.println("  poll threw " + e);
            }
            returned.countDown();
        });
        t.start();
        Thread.sleep(20); // let it block; the check holds either way
        poll.close();
        report("close releases a blocked poll", returned.await(1, TimeUnit.SECONDS), null);
    }

    private static void report(String check, boolean ok, Events events) {
        System.out.println((ok ? "  ok    " : "  FAIL  ") + check + (ok || events == null ? "" : ": got " + events));
        if (!ok) {
            failures++;
        }
    }
}

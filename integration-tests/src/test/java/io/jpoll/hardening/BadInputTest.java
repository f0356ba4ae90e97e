package io.jpoll.hardening;

import io.jpoll.AlreadyRegisteredException;
import io.jpoll.ClosedPollException;
import io.jpoll.Events;
import io.jpoll.Interests;
import io.jpoll.NativeException;
import io.jpoll.NotRegisteredException;
import io.jpoll.Poll;
import io.jpoll.Source;
import io.jpoll.Trigger;
import io.jpoll.Waker;
import io.jpoll.fd.FdNumbers;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.Timeout;
import org.opentest4j.TestAbortedException;

import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.IllegalBlockingModeException;
import java.nio.channels.Pipe;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Every public method against every kind of invalid argument: null, negative, out of range, a
 * closed Poll, the wrong kind of descriptor, an {@code Events} another thread is filling, an
 * unsupported trigger. Each row names the call, the bad value, the exception the Javadoc and
 * DESIGN.md promise, and the words its message must contain: the operation and the value.
 * Rows that only make sense on Unix descriptors or on one OS say so and are skipped elsewhere.
 */
@Timeout(60)
class BadInputTest {
    private static final boolean WINDOWS = System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows");

    /** One call with one bad argument. */
    private static final class Row {
        final String call;
        final Class<? extends Throwable> expected;
        final String[] mustMention;
        final boolean unixOnly;
        final Action action;

        Row(String call, Class<? extends Throwable> expected, boolean unixOnly, Action action, String... mustMention) {
            this.call = call;
            this.expected = expected;
            this.mustMention = mustMention;
            this.unixOnly = unixOnly;
            this.action = action;
        }
    }

    @FunctionalInterface
    private interface Action {
        void run(Fixture f) throws Throwable;
    }

    /** A fresh open Poll, a closed one, and whatever else a row needs; all closed afterwards. */
    private static final class Fixture implements AutoCloseable {
        final Poll open;
        final Poll closed;
        final ReadyPair pair;
        final List<Closeable> toClose = new ArrayList<>();

        Fixture() throws IOException {
            open = Poll.open();
            closed = Poll.open();
            closed.close();
            pair = ReadyPair.pipe();
        }

        void keep(Closeable resource) {
            toClose.add(resource);
        }

        @Override
        public void close() throws IOException {
            for (Closeable c : toClose) {
                c.close();
            }
            pair.close();
            open.close();
        }
    }

    private static List<Row> rows() {
        List<Row> rows = new ArrayList<>();
        Duration minus = Duration.ofMillis(-1);

        // Poll.open
        rows.add(new Row("Poll.open(null)", NullPointerException.class, false,
                f -> Poll.open(null), "Poll.open", "backend"));
        rows.add(new Row("Poll.open(\"nope\")", IllegalArgumentException.class, false,
                f -> Poll.open("nope"), "Poll.open", "'nope'", "available here"));
        rows.add(new Row("Poll.open(\"\")", IllegalArgumentException.class, false,
                f -> Poll.open(""), "Poll.open", "''", "available here"));

        // Poll.poll
        rows.add(new Row("poll(null events)", NullPointerException.class, false,
                f -> f.open.poll(null, Duration.ZERO), "Poll.poll", "events"));
        rows.add(new Row("poll(negative timeout)", IllegalArgumentException.class, false,
                f -> f.open.poll(new Events(1), minus), "Poll.poll", minus.toString()));
        rows.add(new Row("poll(min negative timeout)", IllegalArgumentException.class, false,
                f -> f.open.poll(new Events(1), Duration.ofSeconds(Long.MIN_VALUE)), "Poll.poll", "negative"));
        rows.add(new Row("poll on a closed Poll", ClosedPollException.class, false,
                f -> f.closed.poll(new Events(1), Duration.ZERO), "Poll.poll", "closed"));
        rows.add(new Row("poll with an Events another thread is filling", IllegalStateException.class, false,
                BadInputTest::pollWithBusyEvents, "Poll.poll", "another poll"));
        rows.add(new Row("supports(null)", NullPointerException.class, false,
                f -> f.open.supports(null), "trigger"));

        // Poll.waker
        rows.add(new Row("waker on a closed Poll", ClosedPollException.class, false,
                f -> f.closed.waker(1), "Poll.waker", "closed"));

        // Registry.register
        rows.add(new Row("register(null source)", NullPointerException.class, false,
                f -> f.open.registry().register(null, 1, Interests.READABLE), "Registry.register", "source"));
        rows.add(new Row("register(null interests)", NullPointerException.class, false,
                f -> f.open.registry().register(f.pair.source(), 1, null), "Registry.register", "interests"));
        rows.add(new Row("register on a closed Poll", ClosedPollException.class, false,
                f -> f.closed.registry().register(f.pair.source(), 1, Interests.READABLE), "Registry.register", "closed"));
        rows.add(new Row("register twice", AlreadyRegisteredException.class, false, f -> {
            f.open.registry().register(f.pair.source(), 1, Interests.READABLE);
            f.open.registry().register(f.pair.source(), 2, Interests.READABLE);
        }, "Registry.register", "fd=", "token=2", "already registered"));
        rows.add(new Row("register a closed channel", ClosedChannelException.class, false, f -> {
            Pipe p = Pipe.open();
            p.source().configureBlocking(false);
            Source s = Source.of(p.source());
            p.source().close();
            p.sink().close();
            f.open.registry().register(s, 1, Interests.READABLE);
        }, "Registry.register", "closed"));
        rows.add(new Row("register a closed fd", NativeException.class, true, f -> {
            int fd = closedFd(f);
            f.open.registry().register(Source.fd(fd), 1, Interests.READABLE);
        }, "fd=", "EBADF"));
        rows.add(new Row("register fd 2147483647", NativeException.class, true,
                f -> f.open.registry().register(Source.fd(Integer.MAX_VALUE), 1, Interests.READABLE),
                "fd=2147483647", "EBADF"));
        rows.add(new Row("register a regular file", NativeException.class, true, f -> {
            Path file = Files.createTempFile("jpoll-bad-input", ".txt");
            file.toFile().deleteOnExit();
            assumeTrue(LinuxC.SUPPORTED, "opens the file through the Linux libc helpers");
            assumeTrue(f.open.backend().equals("epoll"), "only epoll refuses regular files (kqueue reports them readable)");
            int fd = LinuxC.open(file.toString(), LinuxC.O_RDONLY | LinuxC.O_CLOEXEC);
            assertTrue(fd >= 0, "open " + file);
            f.keep(() -> LinuxC.close(fd));
            f.open.registry().register(Source.fd(fd), 1, Interests.READABLE);
        }, "fd=", "EPERM", "token=1"));
        for (Trigger t : Trigger.values()) {
            rows.add(new Row("register with unsupported trigger " + t, UnsupportedOperationException.class, false, f -> {
                assumeTrue(!f.open.supports(t), f.open.backend() + " supports " + t + "; nothing to refuse");
                f.open.registry().register(f.pair.source(), 1, Interests.READABLE.with(t));
            }, "Registry.register", t.name()));
        }

        // Registry.reregister / deregister
        rows.add(new Row("reregister(null source)", NullPointerException.class, false,
                f -> f.open.registry().reregister(null, 1, Interests.READABLE), "Registry.reregister", "source"));
        rows.add(new Row("reregister(null interests)", NullPointerException.class, false,
                f -> f.open.registry().reregister(f.pair.source(), 1, null), "Registry.reregister", "interests"));
        rows.add(new Row("reregister a source never registered", NotRegisteredException.class, false,
                f -> f.open.registry().reregister(f.pair.source(), 3, Interests.READABLE), "Registry.reregister",
                "not registered", "token=3"));
        rows.add(new Row("reregister on a closed Poll", ClosedPollException.class, false,
                f -> f.closed.registry().reregister(f.pair.source(), 1, Interests.READABLE), "Registry.reregister", "closed"));
        rows.add(new Row("deregister(null)", NullPointerException.class, false,
                f -> f.open.registry().deregister(null), "Registry.deregister", "source"));
        rows.add(new Row("deregister a source never registered", NotRegisteredException.class, false,
                f -> f.open.registry().deregister(f.pair.source()), "Registry.deregister", "not registered"));
        rows.add(new Row("deregister twice", NotRegisteredException.class, false, f -> {
            f.open.registry().register(f.pair.source(), 1, Interests.READABLE);
            f.open.registry().deregister(f.pair.source());
            f.open.registry().deregister(f.pair.source());
        }, "Registry.deregister", "not registered"));
        rows.add(new Row("deregister on a closed Poll", ClosedPollException.class, false,
                f -> f.closed.registry().deregister(f.pair.source()), "Registry.deregister", "closed"));

        // Source
        rows.add(new Row("Source.fd(-1)", WINDOWS ? UnsupportedOperationException.class : IllegalArgumentException.class,
                false, f -> Source.fd(-1), "Source.fd", "-1"));
        rows.add(new Row("Source.fd(Integer.MIN_VALUE)", WINDOWS ? UnsupportedOperationException.class : IllegalArgumentException.class,
                false, f -> Source.fd(Integer.MIN_VALUE), "Source.fd", String.valueOf(Integer.MIN_VALUE)));
        if (WINDOWS) {
            rows.add(new Row("Source.socket(-1)", IllegalArgumentException.class, false,
                    f -> Source.socket(-1), "Source.socket", "-1"));
            rows.add(new Row("Source.socket(0)", IllegalArgumentException.class, false,
                    f -> Source.socket(0), "Source.socket", "0"));
        } else {
            rows.add(new Row("Source.socket(5) off Windows", UnsupportedOperationException.class, false,
                    f -> Source.socket(5), "Source.socket(5)", "Windows"));
        }
        rows.add(new Row("Source.of(null)", NullPointerException.class, false,
                f -> Source.of(null), "Source.of", "channel"));
        rows.add(new Row("Source.of(a blocking channel)", IllegalBlockingModeException.class, false, f -> {
            Pipe p = Pipe.open();
            f.keep(p.source());
            f.keep(p.sink());
            Source.of(p.source());
        }, "Source.of", "blocking mode", "configureBlocking(false)"));
        rows.add(new Row("Source.of(a closed channel)", IllegalArgumentException.class, false, f -> {
            Pipe p = Pipe.open();
            p.source().configureBlocking(false);
            p.source().close();
            p.sink().close();
            Source.of(p.source());
        }, "Source.of", "closed"));

        // Events
        for (int capacity : new int[]{0, -1, Integer.MIN_VALUE, Events.MAX_CAPACITY + 1}) {
            rows.add(new Row("new Events(" + capacity + ")", IllegalArgumentException.class, false,
                    f -> new Events(capacity), "Events", "was " + capacity));
        }
        rows.add(new Row("Events.token(-1)", IndexOutOfBoundsException.class, false,
                f -> new Events(4).token(-1), "Events", "index -1", "size 0"));
        rows.add(new Row("Events.isReadable(size)", IndexOutOfBoundsException.class, false,
                f -> new Events(4).isReadable(0), "Events", "index 0", "size 0"));
        rows.add(new Row("Events.get(capacity)", IndexOutOfBoundsException.class, false,
                f -> new Events(4).get(4), "Events", "index 4"));

        // Interests
        rows.add(new Row("Interests.remove leaving nothing", IllegalArgumentException.class, false,
                f -> Interests.READABLE.remove(Interests.READABLE.add(Interests.WRITABLE)), "Interests.remove", "READABLE",
                "leaves nothing"));
        rows.add(new Row("Interests.add(null)", NullPointerException.class, false,
                f -> Interests.READABLE.add(null), "other"));
        rows.add(new Row("Interests.with(null)", NullPointerException.class, false,
                f -> Interests.READABLE.with(null), "trigger"));
        return rows;
    }

    @TestFactory
    Stream<DynamicTest> everyInvalidArgumentGetsItsDocumentedException() {
        return rows().stream().map(row -> DynamicTest.dynamicTest(row.call, () -> {
            assumeTrue(!row.unixOnly || !WINDOWS, "Unix descriptors only");
            try (Fixture f = new Fixture()) {
                Throwable thrown = null;
                try {
                    row.action.run(f);
                } catch (TestAbortedException skipped) {
                    throw skipped;
                } catch (Throwable t) {
                    thrown = t;
                }
                assertNotNull(thrown, () -> row.call + " threw nothing; expected " + row.expected.getName());
                assertInstanceOf(row.expected, thrown, row.call);
                String message = String.valueOf(thrown.getMessage());
                Throwable caught = thrown;
                for (String word : row.mustMention) {
                    assertTrue(message.contains(word), () -> row.call + ": the message \"" + message
                            + "\" should mention \"" + word + "\"");
                }
                if (caught instanceof NativeException) {
                    NativeException n = (NativeException) caught;
                    assertTrue(message.contains(n.errorName()) && message.startsWith(n.operation()),
                            () -> "a NativeException message names its call and error: " + message);
                }
            }
        }));
    }

    /** Values at the edges that are valid, and the documented no-ops: none may throw. */
    @TestFactory
    Stream<DynamicTest> validEdgeValuesAndNoOpsAreAccepted() {
        return Stream.of(
                DynamicTest.dynamicTest("every 64-bit token round-trips, negatives included", () -> {
                    try (Fixture f = new Fixture()) {
                        for (long token : new long[]{Long.MIN_VALUE, -1, 0, Long.MAX_VALUE}) {
                            try (Waker w = f.open.waker(token)) {
                                w.wake();
                                Events e = new Events(4);
                                assertEquals(1, f.open.poll(e, Duration.ofSeconds(5)));
                                assertEquals(token, e.token(0));
                            }
                        }
                    }
                }),
                DynamicTest.dynamicTest("a timeout beyond the OS maximum waits (here: for a pending wake)", () -> {
                    try (Fixture f = new Fixture(); Waker w = f.open.waker(5)) {
                        w.wake();
                        Events e = new Events(1);
                        assertEquals(1, f.open.poll(e, Duration.ofSeconds(Long.MAX_VALUE)));
                        assertEquals(5, e.token(0));
                    }
                }),
                DynamicTest.dynamicTest("Events of the largest capacity", () -> {
                    try (Fixture f = new Fixture()) {
                        assertEquals(0, f.open.poll(new Events(Events.MAX_CAPACITY), Duration.ZERO));
                    }
                }),
                DynamicTest.dynamicTest("one Events used with two Polls in turn ('foreign' Events are allowed)", () -> {
                    try (Fixture f = new Fixture(); Poll other = Poll.open();
                         Waker a = f.open.waker(1); Waker b = other.waker(2)) {
                        Events e = new Events(4);
                        a.wake();
                        assertEquals(1, f.open.poll(e, Duration.ofSeconds(5)));
                        b.wake();
                        assertEquals(1, other.poll(e, Duration.ofSeconds(5)));
                        assertEquals(2, e.token(0), "the second poll cleared the first one's events");
                    }
                }),
                DynamicTest.dynamicTest("wake and close of a waker after close, and close of a closed Poll", () -> {
                    Poll p = Poll.open();
                    Waker w = p.waker(1);
                    w.close();
                    w.wake();
                    w.close();
                    Waker w2 = p.waker(2);
                    p.close();
                    w2.wake();
                    w2.close();
                    p.close();
                    assertTrue(!p.isOpen());
                }));
    }

    /** Polls with an Events while another thread is blocked filling it. */
    private static void pollWithBusyEvents(Fixture f) throws Throwable {
        Events shared = new Events(4);
        Waker waker = f.open.waker(9);
        f.keep(waker::close);
        CountDownLatch entered = new CountDownLatch(1);
        Thread blocked = new Thread(() -> {
            entered.countDown();
            for (;;) {
                try {
                    f.open.poll(shared, null); // blocks holding the Events until the wake
                    return;
                } catch (IllegalStateException mainThreadHadIt) {
                    Thread.onSpinWait();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
        }, "busy-events-poller");
        blocked.start();
        try {
            assertTrue(entered.await(5, TimeUnit.SECONDS));
            // Until the other thread holds the Events, these polls take it briefly and succeed.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (System.nanoTime() < deadline) {
                try {
                    f.open.poll(shared, Duration.ZERO);
                } catch (IllegalStateException refused) {
                    throw refused;
                }
                Thread.onSpinWait();
            }
        } finally {
            waker.wake();
            blocked.join(5_000);
        }
    }

    /**
     * A descriptor number that was open a moment ago and is closed now, made far above the open
     * ones: the pipe's own number, once closed, is the next one any thread of the JVM is handed.
     */
    private static int closedFd(Fixture f) throws IOException {
        Pipe p = Pipe.open();
        p.source().configureBlocking(false);
        int fd = FdNumbers.closedNumber((int) Source.of(p.source()).handle());
        p.source().close();
        p.sink().close();
        return fd;
    }
}

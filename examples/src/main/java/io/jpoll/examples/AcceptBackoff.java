package io.jpoll.examples;

import java.io.IOException;
import java.time.Duration;

/**
 * What a server does when {@code accept()} fails. Usually the process is out of descriptors
 * (EMFILE) or the system out of memory or buffers (ENFILE, ENOBUFS, ENOMEM). The connection stays
 * in the backlog, so the listener stays ready, and accepting again at once would fail again in a
 * busy loop. So the server stops watching its listener for a pause that doubles with each failure
 * in a row, from 10 ms to 1 s, and serves its open connections meanwhile: their closing is what
 * frees descriptors. (ECONNABORTED, a peer gone before it was accepted, never gets here: the JDK
 * retries it.)
 *
 * <p>Its two messages go straight to standard error. Out of descriptors, nothing may open a file:
 * not java.util.logging, which reads the time-zone database for its first record, and not even
 * the class loader, which opens a class file when it loads from a directory. So this class, loaded
 * with the server, needs no other class of the examples.
 *
 * <p>Not thread-safe: only the thread that handles the listener uses it.
 */
final class AcceptBackoff {
    private static final long FIRST_PAUSE = Duration.ofMillis(10).toNanos();
    private static final long LONGEST_PAUSE = Duration.ofSeconds(1).toNanos();

    private final String server;
    private long pause;
    private long resumeAt;
    private int failures;

    AcceptBackoff(String server) {
        this.server = server;
    }

    /** Starts or lengthens the pause after {@code accept()} threw {@code e}. */
    void failed(IOException e) {
        if (failures++ == 0) {
            System.err.println(server + ": accept failed (" + e.getMessage() + "); pausing accepts,"
                    + " serving the open connections");
        }
        pause = pause == 0 ? FIRST_PAUSE : Math.min(2 * pause, LONGEST_PAUSE);
        resumeAt = System.nanoTime() + pause;
    }

    /** Ends a pause once {@code accept()} worked again. */
    void succeeded() {
        if (failures > 0) {
            System.err.println(server + ": accepting again after " + failures + " failed accepts");
            failures = 0;
            pause = 0;
        }
    }

    /** How long the pause lasts yet: the timeout for the poll that waits it out. */
    Duration remaining() {
        return Duration.ofNanos(Math.max(0, resumeAt - System.nanoTime()));
    }
}

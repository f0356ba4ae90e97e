package io.jpoll.bench.wake;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.TimeUnit;

/** The other end of a wake round trip: a daemon thread that answers each wake with one. */
final class Partner {
    interface Loop {
        void run() throws IOException;
    }

    private final Thread thread;
    private volatile Throwable failure;

    Partner(String name, Loop loop) {
        thread = new Thread(() -> {
            try {
                loop.run();
            } catch (IOException e) {
                failure = new UncheckedIOException(e);
            } catch (RuntimeException | Error e) {
                failure = e;
            }
        }, name);
        thread.setDaemon(true);
        thread.start();
    }

    /** Waits (bounded) for the loop to end and rethrows what broke it, if anything. */
    void join() throws InterruptedException {
        thread.join(TimeUnit.SECONDS.toMillis(10));
        if (thread.isAlive()) {
            throw new IllegalStateException(thread.getName() + " did not stop within 10 s");
        }
        if (failure != null) {
            throw new IllegalStateException(thread.getName() + " failed", failure);
        }
    }
}

package io.jpoll.bench.echo;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

/** The one thread of a hand-written echo server; a failure in it surfaces at {@link #finish()}. */
final class EventLoopThread {
    interface Loop {
        void run() throws IOException;
    }

    private final Thread thread;
    private volatile Throwable failure;

    EventLoopThread(String name, Loop loop) {
        thread = new Thread(() -> {
            try {
                loop.run();
            } catch (IOException | RuntimeException | Error e) {
                failure = e;
            }
        }, name);
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /** Waits (bounded) for the loop to return after it was told to stop; rethrows its failure. */
    void finish() throws InterruptedException {
        thread.join(TimeUnit.SECONDS.toMillis(10));
        if (thread.isAlive()) {
            throw new IllegalStateException(thread.getName() + " did not stop within 10 s");
        }
        if (failure != null) {
            throw new IllegalStateException(thread.getName() + " failed", failure);
        }
    }
}

package io.jpoll.iocp;

import io.jpoll.spi.WakerHandle;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A waker: a packet posted to the completion port, keyed by a number unique within its selector
 * (never reused, so a packet that outlives a closed waker finds nothing). At most one packet per
 * waker is queued at a time; wakes while one is queued merge into it, like an eventfd's counter.
 */
final class IocpWaker implements WakerHandle {
    private final IocpSelector selector;
    final long token;
    final long key;
    private final AtomicBoolean posted = new AtomicBoolean();

    IocpWaker(IocpSelector selector, long token, long key) {
        this.selector = selector;
        this.token = token;
        this.key = key;
    }

    @Override
    public void wake() throws IOException {
        if (posted.compareAndSet(false, true)) {
            try {
                selector.post(AfdPort.POST_WAKE, key);
            } catch (IOException | RuntimeException e) {
                posted.set(false);
                throw e;
            }
        }
    }

    /** Its packet was dequeued: the next wake posts a new one. */
    void delivered() {
        posted.set(false);
    }

    @Override
    public void close() {
        selector.forget(this);
    }
}

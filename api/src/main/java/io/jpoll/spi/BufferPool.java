package io.jpoll.spi;

import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * A few reusable native buffers for concurrent pollers, handed out without locks or allocation.
 * A poller {@linkplain #take() takes} one (or makes a new one when none is free) and
 * {@linkplain #give gives} it back; a buffer that finds no free slot is the caller's to free.
 * At close, when no poller is left, {@link #drain} hands every pooled buffer over for freeing.
 *
 * @param <T> the backend's buffer type
 */
public final class BufferPool<T> {
    private final AtomicReferenceArray<T> slots;

    public BufferPool(int size) {
        slots = new AtomicReferenceArray<>(size);
    }

    /** A pooled buffer, or null if none is free. */
    public T take() {
        for (int i = 0; i < slots.length(); i++) {
            T t = slots.get(i);
            if (t != null && slots.compareAndSet(i, t, null)) {
                return t;
            }
        }
        return null;
    }

    /** Pools {@code t}; false if every slot is taken, and then the caller frees it. */
    public boolean give(T t) {
        for (int i = 0; i < slots.length(); i++) {
            if (slots.get(i) == null && slots.compareAndSet(i, null, t)) {
                return true;
            }
        }
        return false;
    }

    /** Empties the pool and hands each buffer to {@code freer}. */
    public void drain(java.util.function.Consumer<? super T> freer) {
        for (int i = 0; i < slots.length(); i++) {
            T t = slots.getAndSet(i, null);
            if (t != null) {
                freer.accept(t);
            }
        }
    }
}

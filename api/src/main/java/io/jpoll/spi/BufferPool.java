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

    /**
     * Creates an empty pool.
     *
     * @param size how many idle buffers the pool keeps at most
     */
    public BufferPool(int size) {
        slots = new AtomicReferenceArray<>(size);
    }

    /**
     * Takes an idle buffer out of the pool, if one is there.
     *
     * @return a pooled buffer, now the caller's, or null if none is free
     */
    public T take() {
        for (int i = 0; i < slots.length(); i++) {
            T t = slots.get(i);
            if (t != null && slots.compareAndSet(i, t, null)) {
                return t;
            }
        }
        return null;
    }

    /**
     * Returns a buffer to the pool for the next poller, if a slot is free.
     *
     * @param t a buffer the caller is done with
     * @return true if pooled; false if every slot is taken, and then the caller frees {@code t}
     */
    public boolean give(T t) {
        for (int i = 0; i < slots.length(); i++) {
            if (slots.get(i) == null && slots.compareAndSet(i, null, t)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Empties the pool, when no poller can take a buffer any more.
     *
     * @param freer receives each pooled buffer once, to free it
     */
    public void drain(java.util.function.Consumer<? super T> freer) {
        for (int i = 0; i < slots.length(); i++) {
            T t = slots.getAndSet(i, null);
            if (t != null) {
                freer.accept(t);
            }
        }
    }
}

package io.jpoll.spi;

import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A few reusable native buffers for concurrent pollers, handed out without locks or allocation.
 * A poller {@linkplain #take() takes} one (or makes a new one when none is free) and
 * {@linkplain #give gives} it back; a buffer that finds no free slot is the caller's to free.
 * At close, when no poller is left, {@link #drain} hands every pooled buffer over for freeing.
 * {@link #takeOrCreate} and {@link #giveOrFree} are the usual pair around one use:
 *
 * <pre>{@code
 * Buffer b = pool.takeOrCreate(newBuffer);   // newBuffer, freeBuffer: final fields, made once
 * try {
 *     ... use b ...
 * } finally {
 *     pool.giveOrFree(b, freeBuffer);
 * }
 * }</pre>
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
     * Takes an idle buffer, or makes one when none is free. Keep {@code create} in a final field
     * (a lambda that captures nothing of the call, or a method reference made once): a lambda
     * written at the call site that captures a local allocates on every call, and this runs on
     * every poll.
     *
     * @param create makes a new buffer; called only when the pool has none
     * @return a buffer, now the caller's until {@link #giveOrFree}
     */
    public T takeOrCreate(Supplier<? extends T> create) {
        T t = take();
        return t != null ? t : create.get();
    }

    /**
     * Returns a buffer to the pool, or frees it when every slot is taken, so that each buffer is
     * either pooled or freed, exactly once. Keep {@code free} in a final field, for the reason
     * {@link #takeOrCreate} gives.
     *
     * @param t    a buffer the caller is done with
     * @param free frees {@code t}; called only when the pool is full
     */
    public void giveOrFree(T t, Consumer<? super T> free) {
        if (!give(t)) {
            free.accept(t);
        }
    }

    /**
     * Empties the pool, when no poller can take a buffer any more.
     *
     * @param freer receives each pooled buffer once, to free it
     */
    public void drain(Consumer<? super T> freer) {
        for (int i = 0; i < slots.length(); i++) {
            T t = slots.getAndSet(i, null);
            if (t != null) {
                freer.accept(t);
            }
        }
    }
}

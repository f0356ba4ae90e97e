package io.jpoll;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.spi.AbstractSelectableChannel;
import java.nio.channels.spi.AbstractSelector;
import java.util.Set;

/**
 * How {@code Thread.interrupt()} reaches a thread blocked in {@link Poll#poll}, through public API
 * only. {@link AbstractSelector}'s {@code begin()} installs this selector as the current thread's
 * interrupt hook, so that an interrupt of that thread calls {@link #wakeup()}, until
 * {@code end()}. It is never used as a selector otherwise: nothing is registered with it.
 *
 * <p>One per {@link Events}, which a single poll uses at a time, so one per polling thread. Its
 * state says what the poll in progress is: null (none), the {@link InterruptibleWait} it waits
 * on, or that wait's {@code nudged} marker once an interrupt was counted for
 * it. Only compare-and-set moves it, so an interrupt that arrives late (JDK 21+ call the hook
 * after releasing the interrupt lock, possibly after {@code end()}) finds no wait to nudge, or
 * the same thread's next one, and never counts twice.
 */
final class InterruptHook extends AbstractSelector {
    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(InterruptHook.class, "state", Object.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @SuppressWarnings("unused") // accessed through STATE
    private volatile Object state;

    InterruptHook() {
        super(null);
    }

    /** Starts a poll that waits on {@code wait}; from here an interrupt nudges it. */
    void enter(InterruptibleWait wait) {
        STATE.setVolatile(this, wait);
        begin();
    }

    /** Ends the poll; an interrupt counted for it and not yet consumed is counted out. */
    void exit(InterruptibleWait wait) {
        end();
        if (!STATE.compareAndSet(this, wait, null)) {
            wait.consume(this, null);
        }
    }

    Object state() {
        return STATE.getVolatile(this);
    }

    boolean compareAndSetState(Object expected, Object next) {
        return STATE.compareAndSet(this, expected, next);
    }

    /** Called by {@code Thread.interrupt()} of the polling thread, on the interrupting thread. */
    @Override
    public Selector wakeup() {
        Object s = state();
        if (s instanceof InterruptibleWait) {
            ((InterruptibleWait) s).nudge(this);
        }
        return this;
    }

    @Override
    protected void implCloseSelector() {
        // Holds nothing.
    }

    @Override
    protected SelectionKey register(AbstractSelectableChannel ch, int ops, Object att) {
        throw new UnsupportedOperationException("jpoll's interrupt hook is not a selector");
    }

    @Override
    public Set<SelectionKey> keys() {
        return Set.of();
    }

    @Override
    public Set<SelectionKey> selectedKeys() {
        return Set.of();
    }

    @Override
    public int selectNow() {
        throw new UnsupportedOperationException("jpoll's interrupt hook is not a selector");
    }

    @Override
    public int select(long timeout) {
        throw new UnsupportedOperationException("jpoll's interrupt hook is not a selector");
    }

    @Override
    public int select() {
        throw new UnsupportedOperationException("jpoll's interrupt hook is not a selector");
    }
}

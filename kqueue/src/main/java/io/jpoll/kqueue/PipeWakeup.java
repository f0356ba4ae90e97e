package io.jpoll.kqueue;

import io.jpoll.spi.EventSink;
import io.jpoll.spi.WakerHandle;

import java.io.IOException;

/**
 * Waking through one {@link WakePipe}, which carries the wakers, the kick and the close signal:
 * where the kernel has no EVFILT_USER, refuses it, or where it must not be used (libkqueue before
 * 2.7, see {@link WakeupChoice}).
 */
final class PipeWakeup implements Wakeup {
    private final WakePipe pipe;

    private PipeWakeup(WakePipe pipe) {
        this.pipe = pipe;
    }

    /**
     * Makes the pipe, checks with its write end that the kernel honours EV_DISPATCH (an empty
     * pipe is writable at once) and registers its read end.
     */
    static PipeWakeup open(Changes changes) throws IOException {
        KqueueProfile profile = changes.profile();
        WakePipe pipe = WakePipe.open(profile, changes.kernel());
        try {
            DispatchCheck.require(changes, pipe.writeFd(), profile.constants.evfiltWrite);
            pipe.register(changes);
        } catch (IOException | RuntimeException | Error e) {
            pipe.close();
            throw e;
        }
        return new PipeWakeup(pipe);
    }

    /** The pipe, for the {@link ChangeHandoff} of libkqueue before 2.7. */
    WakePipe pipe() {
        return pipe;
    }

    @Override
    public WakerHandle newWaker(long token) {
        return pipe.newWaker(token);
    }

    @Override
    public void kick() {
        pipe.signal();
    }

    @Override
    public void interrupt() {
        pipe.interrupt();
    }

    @Override
    public void collect(EventSink sink) {
        pipe.collect(sink);
    }

    @Override
    public void close() {
        pipe.close();
    }

    @Override
    public String toString() {
        return "wake pipe";
    }
}

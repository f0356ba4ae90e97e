package io.jpoll.kqueue;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Which wake mechanism a new kqueue gets, decided before its selector exists, over
 * {@link FakeKernel}: EVFILT_USER where the kernel gives it, the pipe where it refuses it, where
 * the property asks for it, and on libkqueue before 2.7, which then also hands changes past a
 * waiting poller through the pipe.
 */
class WakeupChoiceTest {
    private Changes changes;
    private Wakeup wakeup;

    @AfterEach
    void close() {
        System.clearProperty(WakeupChoice.WAKEUP_PROPERTY);
        if (wakeup != null) {
            wakeup.close();
        }
        if (changes != null) {
            changes.close();
        }
    }

    private Wakeup choose(FakeKernel k) throws IOException {
        changes = Changes.open(k.profile, k);
        wakeup = WakeupChoice.open(changes);
        return wakeup;
    }

    /** One checked change, as a register makes; whether it announced itself through the wake pipe. */
    private static boolean announced(FakeKernel k, Changes changes, int pipeReadFd) throws IOException {
        int before = k.pending(pipeReadFd);
        ChangeBatch b = changes.take();
        try {
            b.add(k.socket(), k.c.evfiltRead, k.c.evAdd | k.c.evReceipt, 0, 1L << 32);
            changes.submitChecked(b, 0, 1);
        } finally {
            changes.give(b);
        }
        return k.pending(pipeReadFd) > before;
    }

    @ParameterizedTest
    @EnumSource(KqueueProfile.class)
    void theUserFilterWhereTheKernelHasIt(KqueueProfile p) throws IOException {
        FakeKernel k = new FakeKernel(p);
        assertInstanceOf(UserFilterWakeup.class, choose(k));
        assertEquals(1, k.knotes(k.theKqueue()), "the close signal's knote alone");
    }

    @ParameterizedTest
    @EnumSource(KqueueProfile.class)
    void thePipeWhereTheKernelRefusesTheUserFilter(KqueueProfile p) throws IOException {
        FakeKernel k = new FakeKernel(p);
        k.userFilter = false;
        assertInstanceOf(PipeWakeup.class, choose(k));
        assertEquals(3, k.openDescriptors(), "the kqueue and the wake pipe's two ends");
    }

    @ParameterizedTest
    @EnumSource(KqueueProfile.class)
    void thePipeWhenThePropertyAsksForIt(KqueueProfile p) throws IOException {
        System.setProperty(WakeupChoice.WAKEUP_PROPERTY, "pipe");
        assertInstanceOf(PipeWakeup.class, choose(new FakeKernel(p)));
    }

    @Test
    void libkqueueBefore27GetsThePipeAndTheHandoff() throws IOException {
        FakeKernel k = new FakeKernel(KqueueProfile.LIBKQUEUE);
        k.libkqueueVersion = 0x02060200L;
        PipeWakeup pipe = assertInstanceOf(PipeWakeup.class, choose(k));
        assertTrue(announced(k, changes, pipe.pipe().readFd()), "a change wakes the pollers first");
    }

    @Test
    void libkqueue27AndLaterUsesTheUserFilter() throws IOException {
        FakeKernel k = new FakeKernel(KqueueProfile.LIBKQUEUE);
        k.libkqueueVersion = 0x02070000L;
        assertInstanceOf(UserFilterWakeup.class, choose(k));
    }

    @Test
    void libkqueueBefore27WithThePipeAskedForStillHandsOff() throws IOException {
        System.setProperty(WakeupChoice.WAKEUP_PROPERTY, "pipe");
        FakeKernel k = new FakeKernel(KqueueProfile.LIBKQUEUE);
        k.libkqueueVersion = 0x02060200L;
        PipeWakeup pipe = assertInstanceOf(PipeWakeup.class, choose(k));
        assertTrue(announced(k, changes, pipe.pipe().readFd()));
    }

    @Test
    void aPipeOnLibkqueue27NeedsNoHandoff() throws IOException {
        System.setProperty(WakeupChoice.WAKEUP_PROPERTY, "pipe");
        FakeKernel k = new FakeKernel(KqueueProfile.LIBKQUEUE);
        PipeWakeup pipe = assertInstanceOf(PipeWakeup.class, choose(k));
        assertFalse(announced(k, changes, pipe.pipe().readFd()));
    }

    @Test
    void theUserFilterAskedForOnLibkqueueBefore27() throws IOException {
        System.setProperty(WakeupChoice.WAKEUP_PROPERTY, "user");
        FakeKernel k = new FakeKernel(KqueueProfile.LIBKQUEUE);
        k.libkqueueVersion = 0x02060200L;
        assertInstanceOf(UserFilterWakeup.class, choose(k));
    }
}

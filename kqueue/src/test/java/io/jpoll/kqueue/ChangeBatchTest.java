package io.jpoll.kqueue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Reading EV_RECEIPT answers out of the change list, as each kernel writes them back. */
class ChangeBatchTest {

    @ParameterizedTest
    @EnumSource(KqueueProfile.class)
    void receiptsSayWhichChangeFailed(KqueueProfile p) {
        KqueueConstants c = p.constants;
        KeventLayout l = p.layout;
        ChangeBatch b = new ChangeBatch(l, Kernel.NATIVE);
        try {
            b.clear().add(7, c.evfiltRead, c.evAdd | c.evReceipt, 0, 1L << 32)
                    .add(7, c.evfiltWrite, c.evAdd | c.evReceipt, 0, 1L << 32)
                    .add(8, c.evfiltRead, c.evDelete | c.evReceipt, 0, 0L);
            assertEquals(3, b.count());
            assertEquals(c.evfiltWrite, b.filter(1));
            // Before the kernel answers, no change reads as failed.
            for (int i = 0; i < 3; i++) {
                assertEquals(0, b.error(i, c));
            }
            // The kernel's answers: success (EV_ERROR, data 0), EPIPE, ENOENT.
            l.put(b.view(), 0, 7, c.evfiltRead, c.evAdd | c.evReceipt | c.evError, 0, 0L, 1L << 32);
            l.put(b.view(), 1, 7, c.evfiltWrite, c.evAdd | c.evReceipt | c.evError, 0, KqueueProfile.EPIPE, 1L << 32);
            l.put(b.view(), 2, 8, c.evfiltRead, c.evDelete | c.evReceipt | c.evError, 0, KqueueProfile.ENOENT, 0L);
            assertEquals(0, b.error(0, c));
            assertEquals(KqueueProfile.EPIPE, b.error(1, c));
            assertEquals(KqueueProfile.ENOENT, b.error(2, c));
            assertEquals(0, b.clear().count());
        } finally {
            b.free();
        }
    }

    /** The probe for knotes the kernel dropped at close: only an all-ENOENT answer means gone. */
    @ParameterizedTest
    @EnumSource(KqueueProfile.class)
    void knotesAreGoneOnlyWhenEveryProbeSaysEnoent(KqueueProfile p) {
        KqueueConstants c = p.constants;
        KeventLayout l = p.layout;
        ChangeBatch b = new ChangeBatch(l, Kernel.NATIVE);
        try {
            assertFalse(KqueueSelector.allAbsent(b.clear(), c), "an empty probe proves nothing");
            b.add(7, c.evfiltRead, c.evReceipt, 0, 1L << 32).add(7, c.evfiltWrite, c.evReceipt, 0, 1L << 32);
            l.put(b.view(), 0, 7, c.evfiltRead, c.evReceipt | c.evError, 0, KqueueProfile.ENOENT, 1L << 32);
            l.put(b.view(), 1, 7, c.evfiltWrite, c.evReceipt | c.evError, 0, 0L, 1L << 32);
            assertFalse(KqueueSelector.allAbsent(b, c), "the write knote still exists");
            l.put(b.view(), 1, 7, c.evfiltWrite, c.evReceipt | c.evError, 0, KqueueProfile.ENOENT, 1L << 32);
            assertTrue(KqueueSelector.allAbsent(b, c));
        } finally {
            b.free();
        }
    }
}

package io.jpoll.kqueue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Reading EV_RECEIPT answers out of the change list, as each kernel writes them back. */
class ChangeBatchTest {

    /**
     * Submitted to a fake kernel that answers in either receipt style: the errno comes from each
     * receipt, and what each slot asked for is still known although a BSD-style receipt has wiped
     * EV_ADD and EV_DELETE from the record.
     */
    @ParameterizedTest
    @MethodSource("io.jpoll.kqueue.FakeKernelSelectorTest#profilesAndStyles")
    void receiptsOfEitherStyleSayWhatFailedAndWhatWasAsked(KqueueProfile p, FakeKernel.ReceiptStyle style) {
        KqueueConstants c = p.constants;
        KeventLayout l = p.layout;
        FakeKernel k = new FakeKernel(p);
        k.style = style;
        int kq = k.kqueue();
        int a = k.socket();
        int b = k.socket();
        int closed = k.socket();
        k.close(closed);
        ChangeBatch batch = new ChangeBatch(l, k);
        try {
            int add = c.evAdd | c.evReceipt;
            int delete = c.evDelete | c.evReceipt;
            batch.clear().add(a, c.evfiltRead, add, 0, 1L << 32)
                    .add(a, c.evfiltWrite, add, 0, 1L << 32)
                    .add(b, c.evfiltRead, delete, 0, 0L)
                    .add(closed, c.evfiltRead, add, 0, 2L << 32);
            assertEquals(4, batch.submit(kq));
            assertEquals(0, batch.error(0, c));
            assertEquals(0, batch.error(1, c));
            assertEquals(Errno.ENOENT, batch.error(2, c));
            assertEquals(FakeKernel.EBADF, batch.error(3, c));
            int[] filters = {c.evfiltRead, c.evfiltWrite, c.evfiltRead, c.evfiltRead};
            int[] asked = {add, add, delete, add};
            for (int i = 0; i < 4; i++) {
                assertEquals(filters[i], batch.filter(i), "filter of slot " + i);
                assertEquals(asked[i], batch.flags(i), "flags of slot " + i);
            }
            // The receipt itself: BSD style keeps nothing of the change's flags but EV_ERROR.
            int receipt = l.flags(batch.view(), 2);
            assertEquals(style == FakeKernel.ReceiptStyle.REPLACE_FLAGS ? c.evError : delete | c.evError, receipt);
            assertTrue(k.holds(kq, a, c.evfiltRead) && k.holds(kq, a, c.evfiltWrite));
        } finally {
            batch.free();
        }
    }

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
            l.put(b.view(), 1, 7, c.evfiltWrite, c.evAdd | c.evReceipt | c.evError, 0, Errno.EPIPE, 1L << 32);
            l.put(b.view(), 2, 8, c.evfiltRead, c.evDelete | c.evReceipt | c.evError, 0, Errno.ENOENT, 0L);
            assertEquals(0, b.error(0, c));
            assertEquals(Errno.EPIPE, b.error(1, c));
            assertEquals(Errno.ENOENT, b.error(2, c));
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
            assertFalse(Registrar.allAbsent(b.clear(), c), "an empty probe proves nothing");
            b.add(7, c.evfiltRead, c.evReceipt, 0, 1L << 32).add(7, c.evfiltWrite, c.evReceipt, 0, 1L << 32);
            l.put(b.view(), 0, 7, c.evfiltRead, c.evReceipt | c.evError, 0, Errno.ENOENT, 1L << 32);
            l.put(b.view(), 1, 7, c.evfiltWrite, c.evReceipt | c.evError, 0, 0L, 1L << 32);
            assertFalse(Registrar.allAbsent(b, c), "the write knote still exists");
            l.put(b.view(), 1, 7, c.evfiltWrite, c.evReceipt | c.evError, 0, Errno.ENOENT, 1L << 32);
            assertTrue(Registrar.allAbsent(b, c));
        } finally {
            b.free();
        }
    }
}

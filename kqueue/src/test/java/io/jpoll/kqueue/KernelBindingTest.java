package io.jpoll.kqueue;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Which native binding the kqueue backend runs: FFM on JDK 22+ unless {@code -Djpoll.native=jna},
 * JNA otherwise, with the reason; and both bindings report results and errno alike on the real
 * kqueue (libkqueue on Linux with {@code -Djpoll.kqueue.library}). The surefire execution
 * {@code jna-binding} runs this class again with {@code -Djpoll.native=jna}.
 */
@Timeout(30)
class KernelBindingTest {

    private static String expectedInUse() {
        String forced = System.getProperty(KernelBinding.PROPERTY);
        if ("jna".equals(forced) || Runtime.version().feature() < 22) {
            return "jna";
        }
        return "ffm";
    }

    private static KqueueProfile kqueueHere() {
        KqueueProfile p = Natives.profile();
        assumeTrue(p != null, () -> "no kqueue here: " + Natives.unsupportedReason());
        return p;
    }

    @Test
    void theBindingInUseIsTheExpectedOneAndDoctorSeesIt() {
        kqueueHere();
        String expected = expectedInUse();
        assertEquals(expected, Kernel.NATIVE.toString(), KernelBinding.describe());
        assertTrue(KernelBinding.describe().startsWith(expected), KernelBinding.describe());
        assertEquals("kqueue (native binding: " + KernelBinding.describe() + ")", new KqueueBackend().toString());
    }

    @Test
    void ffmAskedForOnJdk17FallsBackToJnaAndSaysWhy() {
        KernelBinding.Choice c = KernelBinding.choose("ffm", 17);
        assertSame(JnaKernel.INSTANCE, c.calls);
        assertEquals("jna (-Djpoll.native=ffm asked for ffm, unavailable: JDK 17 has no final java.lang.foreign,"
                + " which needs JDK 22 or later)", c.description);
    }

    @Test
    void automaticOnJdk21IsJnaAndSaysWhy() {
        KernelBinding.Choice c = KernelBinding.choose(null, 21);
        assertSame(JnaKernel.INSTANCE, c.calls);
        assertEquals("jna (ffm unavailable: JDK 21 has no final java.lang.foreign, which needs JDK 22 or later)",
                c.description);
    }

    @Test
    void jnaCanBeForcedAndNonsenseIsNamed() {
        KernelBinding.Choice c = KernelBinding.choose("JNA", Runtime.version().feature());
        assertSame(JnaKernel.INSTANCE, c.calls);
        assertEquals("jna (forced by -Djpoll.native=jna)", c.description);
        KernelBinding.Choice odd = KernelBinding.choose("jni", 21);
        assertEquals("jna (-Djpoll.native=jni is neither ffm nor jna; ffm unavailable: JDK 21 has no final"
                + " java.lang.foreign, which needs JDK 22 or later)", odd.description);
    }

    @Test
    void ffmIsChosenOnThisJdkWhenItIsNewAndKqueueIsBound() {
        kqueueHere();
        int feature = Runtime.version().feature();
        KernelBinding.Choice c = KernelBinding.choose("ffm", feature);
        assertEquals(feature >= 22 ? "ffm" : "jna", c.calls.toString(), c.description);
    }

    /** Every binding this JDK can load: JNA always, FFM from JDK 22. */
    private static List<Kernel> bindings() {
        List<Kernel> all = new ArrayList<>();
        all.add(JnaKernel.INSTANCE);
        Kernel ffm = KernelBinding.choose("ffm", Runtime.version().feature()).calls;
        if (ffm != JnaKernel.INSTANCE) {
            all.add(ffm);
        }
        return all;
    }

    /** The errno name after a call that must have failed with -1. */
    private static String failed(KqueueProfile p, Kernel k, long result) {
        assertEquals(-1, result, k + ": the call did not fail");
        return p.errno.name(k.errno());
    }

    @Test
    void bothBindingsReturnTheSameResultsAndErrno() {
        KqueueProfile p = kqueueHere();
        KqueueConstants c = p.constants;
        KeventLayout l = p.layout;
        List<String> badKqErrno = new ArrayList<>();
        for (Kernel k : bindings()) {
            try (Memory fds = new Memory(8); Memory records = new Memory((long) l.size() * 2 + 32); Memory one = new Memory(8)) {
                records.clear();
                ByteBuffer view = records.getByteBuffer(0, records.size()).order(ByteOrder.nativeOrder());
                long recs = Pointer.nativeValue(records);
                long zeroAt = (long) l.size() * 2; // a zero timespec, then one of one second
                long zero = recs + zeroAt;
                long second = zero + 16;
                records.setLong(zeroAt + 16, 1);
                records.setLong(zeroAt + 24, 0);
                long byteAt = Pointer.nativeValue(one);

                assertEquals("EBADF", failed(p, k, k.close(-1)), k.toString());
                assertEquals("EBADF", failed(p, k, k.write(-1, byteAt, 1)), k.toString());

                assertEquals(0, k.pipe(Pointer.nativeValue(fds)), k.toString());
                int r = fds.getInt(0);
                int w = fds.getInt(4);
                int kq = k.kqueue();
                assertTrue(kq >= 0, k + ": kqueue() " + kq);
                try {
                    int fl = k.fcntl(r, KqueueConstants.F_GETFL);
                    assertTrue(fl >= 0, k + ": F_GETFL " + fl);
                    assertEquals(0, k.fcntl(r, KqueueConstants.F_SETFL, fl | c.oNonblock), k.toString());
                    assertEquals(c.oNonblock, k.fcntl(r, KqueueConstants.F_GETFL) & c.oNonblock, k.toString());
                    assertEquals("EAGAIN", failed(p, k, k.read(r, byteAt, 1)), k + ": an empty pipe");
                    one.setByte(0, (byte) 42);
                    assertEquals(1, k.write(w, byteAt, 1), k.toString());
                    one.setByte(0, (byte) 0);
                    assertEquals(1, k.read(r, byteAt, 1), k.toString());
                    assertEquals(42, one.getByte(0), k.toString());

                    // A wait on a valid kqueue, then waits that fail: the FFM binding learns their
                    // errno by repeating them without blocking, so they must come back as themselves.
                    assertEquals(0, k.kevent(kq, 0L, 0, recs, 2, zero), k.toString());
                    long t0 = System.nanoTime();
                    String badKq = failed(p, k, k.kevent(-1, 0L, 0, recs, 2, second));
                    badKqErrno.add(badKq);
                    assertTrue(badKq.equals("EBADF") || badKq.equals("ENOENT"), k + ": " + badKq);
                    assertEquals("EINVAL", failed(p, k, k.kevent(kq, 0L, 0, recs, -1, second)), k.toString());
                    assertTrue(System.nanoTime() - t0 < 900_000_000L, k + ": a failed wait blocked");

                    // Changes with receipts: success and a change's own failure in its slot.
                    l.put(view, 0, r, c.evfiltRead, c.evAdd | c.evReceipt, 0, 0L, 7L);
                    l.put(view, 1, r, c.evfiltWrite, c.evDelete | c.evReceipt, 0, 0L, 8L);
                    assertEquals(2, k.kevent(kq, recs, 2, recs, 2, zero), k.toString());
                    assertEquals(0, l.data(view, 0), k + ": the EV_ADD receipt");
                    assertTrue((l.flags(view, 1) & c.evError) != 0, k.toString());
                    assertEquals("ENOENT", p.errno.name((int) l.data(view, 1)), k + ": deleting what was never added");
                    // The same changes on a kqueue that does not exist fail the call itself.
                    l.put(view, 0, r, c.evfiltRead, c.evAdd | c.evReceipt, 0, 0L, 7L);
                    assertEquals(badKq, failed(p, k, k.kevent(-1, recs, 1, recs, 1, zero)), k.toString());
                    // The pipe is readable now that a byte waits: the registration made above reports it.
                    assertEquals(1, k.write(w, byteAt, 1), k.toString());
                    assertEquals(1, k.kevent(kq, 0L, 0, recs, 2, second), k.toString());
                    assertEquals(7L, l.udata(view, 0), k.toString());
                } finally {
                    assertEquals(0, k.close(kq), k.toString());
                    assertEquals(0, k.close(r), k.toString());
                    assertEquals(0, k.close(w), k.toString());
                    k.drainPendingClose();
                }
            }
        }
        // libkqueue answers ENOENT for a descriptor that is not one of its kqueues, the BSDs EBADF:
        // whichever it is, both bindings must see the same.
        assertEquals(bindings().size(), badKqErrno.size());
        assertTrue(badKqErrno.stream().distinct().count() == 1, badKqErrno.toString());
    }
}

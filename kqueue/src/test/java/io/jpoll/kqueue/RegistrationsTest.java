package io.jpoll.kqueue;

import io.jpoll.Trigger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The registration table's state machine: epochs, the ONESHOT arm, stale records. */
class RegistrationsTest {
    private final Registrations r = new Registrations();

    /** What a poller does with a record: report its token, or null to drop it. */
    private Long decode(long udata) {
        long state = r.current(udata);
        if (state < 0) {
            return null;
        }
        long token = r.token(udata);
        return r.confirm(udata, state) ? token : null;
    }

    @Test
    void levelRegistrationsReportEveryRecordWithTheFull64BitToken() {
        int slot = r.add(7);
        long udata = r.arm(slot, Long.MIN_VALUE, Trigger.LEVEL);
        assertEquals(slot, (int) udata);
        assertTrue(udata >>> 32 > 0, "epoch 0 is never issued");
        assertTrue(udata > 0, "sign bit never set: it is the wake pipe's marker");
        assertEquals(Long.MIN_VALUE, decode(udata));
        assertEquals(Long.MIN_VALUE, decode(udata));
        assertEquals(slot, r.slotOf(7));
        assertEquals(1, r.size());
    }

    @Test
    void oneshotArmIsTakenOnceAndReregisterRearms() {
        int slot = r.add(9);
        long first = r.arm(slot, 3, Trigger.ONESHOT);
        assertEquals(3L, decode(first));
        assertEquals(null, decode(first), "the other filter's later record is dropped");
        long second = r.arm(slot, 4, Trigger.ONESHOT);
        assertNotEquals(first, second);
        assertEquals(second, r.udata(slot), "the udata of the current epoch");
        assertEquals(null, decode(first), "a record of the old arm never takes the new one");
        assertEquals(4L, decode(second));
        assertEquals(null, decode(second));
    }

    @Test
    void reregisterWithAnotherTokenDropsRecordsOfTheOldEpoch() {
        int slot = r.add(5);
        long old = r.arm(slot, 100, Trigger.EDGE);
        long now = r.arm(slot, 200, Trigger.EDGE);
        assertEquals(null, decode(old));
        assertEquals(200L, decode(now));
        assertEquals(Trigger.EDGE, r.trigger(slot));
    }

    @Test
    void retiredRegistrationsAndReusedSlotsNeverReportOldRecords() {
        int slot = r.add(5);
        long old = r.arm(slot, 100, Trigger.LEVEL);
        r.filters(slot, Registrations.READ | Registrations.WRITE);
        assertEquals(slot, r.retire(5));
        assertEquals(-1, r.slotOf(5));
        assertEquals(null, decode(old));

        int again = r.add(5); // the fd number came back, e.g. closed and reopened
        assertEquals(slot, again, "the freed slot is reused");
        assertEquals(0, r.filters(again), "filters start empty");
        long fresh = r.arm(again, 300, Trigger.LEVEL);
        assertEquals(null, decode(old), "a record of the old registration of fd 5");
        assertEquals(300L, decode(fresh));
    }

    @Test
    void recordsThatNameNoSlotAreDropped() {
        assertEquals(-1, r.current(0L));
        assertEquals(-1, r.current(1L << 32 | 5000), "a slot beyond the table");
        int slot = r.add(1);
        assertEquals(-1, r.current(slot), "epoch 0");
        assertEquals(-1, r.current(EventDecoder.PIPE_UDATA));
    }

    @Test
    void slotsGrowPastOneChunkAndKeepTheirState() {
        long[] udata = new long[3000];
        for (int fd = 0; fd < udata.length; fd++) {
            udata[fd] = r.arm(r.add(fd), fd * 1000L, Trigger.LEVEL);
        }
        for (int fd = 0; fd < udata.length; fd++) {
            assertEquals(fd * 1000L, decode(udata[fd]));
            assertEquals(fd, (int) udata[fd], "slots handed out in order");
        }
    }

    /** Many threads decode the same record of one arm: exactly one reports it, every round. */
    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void exactlyOnePollerWinsEachArm() throws Exception {
        int slot = r.add(11);
        int threads = 4;
        int rounds = 300;
        for (int round = 0; round < rounds; round++) {
            long udata = r.arm(slot, round, Trigger.ONESHOT);
            AtomicInteger winners = new AtomicInteger();
            CountDownLatch go = new CountDownLatch(1);
            Thread[] ts = new Thread[threads];
            for (int t = 0; t < threads; t++) {
                ts[t] = new Thread(() -> {
                    try {
                        go.await();
                    } catch (InterruptedException e) {
                        return;
                    }
                    if (decode(udata) != null) {
                        winners.incrementAndGet();
                    }
                });
                ts[t].start();
            }
            go.countDown();
            for (Thread t : ts) {
                t.join(5000);
                assertFalse(t.isAlive());
            }
            assertEquals(1, winners.get(), "round " + round);
        }
    }
}

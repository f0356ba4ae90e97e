package io.jpoll.spi;

import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static io.jpoll.spi.Timeouts.NO_TIMEOUT;
import static io.jpoll.spi.Timeouts.NO_WAIT;
import static org.junit.jupiter.api.Assertions.*;

class TimeoutsTest {
    private static final long MS = 1_000_000L;
    private static final int DWORD_CAP = 0xFFFFFFFE;

    @Test
    void deadlinePassesNoTimeoutAndNoWaitThrough() {
        assertEquals(NO_TIMEOUT, Timeouts.deadline(-1));
        assertEquals(NO_TIMEOUT, Timeouts.deadline(Long.MIN_VALUE));
        assertEquals(NO_WAIT, Timeouts.deadline(0));
        assertEquals(NO_TIMEOUT, Timeouts.remaining(NO_TIMEOUT));
        assertEquals(NO_TIMEOUT, Timeouts.remaining(Long.MIN_VALUE));
        assertEquals(NO_WAIT, Timeouts.remaining(NO_WAIT));
    }

    @Test
    void aDeadlineIsPositiveAndSaturatesToNoTimeout() {
        assertTrue(Timeouts.deadline(1) > 0);
        assertEquals(NO_TIMEOUT, Timeouts.deadline(Long.MAX_VALUE), "now + MAX overflows: forever, not the past");
        long almost = Long.MAX_VALUE - TimeUnit.DAYS.toNanos(365);
        assertTrue(Timeouts.deadline(almost) > 0, "a deadline that fits stays one");
    }

    @Test
    void remainingShrinksAndStopsAtZero() throws InterruptedException {
        long deadline = Timeouts.deadline(TimeUnit.HOURS.toNanos(1));
        long left = Timeouts.remaining(deadline);
        assertTrue(left > 0 && left <= TimeUnit.HOURS.toNanos(1), "left " + left);
        long shortOne = Timeouts.deadline(1);
        long start = System.nanoTime();
        while (System.nanoTime() - start < 2) {
            Thread.onSpinWait(); // a 1 ns deadline has passed once the clock moved on
        }
        assertEquals(0, Timeouts.remaining(shortOne));
        assertTrue(Timeouts.remaining(deadline) <= left, "time only runs forward");
    }

    @Test
    void millisRoundUpNeverDown() {
        assertEquals(-1, Timeouts.millisRoundedUp(-1, Integer.MAX_VALUE));
        assertEquals(-1, Timeouts.millisRoundedUp(Long.MIN_VALUE, Integer.MAX_VALUE));
        assertEquals(0, Timeouts.millisRoundedUp(0, Integer.MAX_VALUE));
        assertEquals(1, Timeouts.millisRoundedUp(1, Integer.MAX_VALUE));
        assertEquals(1, Timeouts.millisRoundedUp(999_999, Integer.MAX_VALUE));
        assertEquals(1, Timeouts.millisRoundedUp(MS, Integer.MAX_VALUE));
        assertEquals(2, Timeouts.millisRoundedUp(MS + 1, Integer.MAX_VALUE));
        assertEquals(1500, Timeouts.millisRoundedUp(1_499_000_001L, Integer.MAX_VALUE));
    }

    @Test
    void millisBeyondAnIntCapWaitForever() {
        assertEquals(Integer.MAX_VALUE, Timeouts.millisRoundedUp(Integer.MAX_VALUE * MS, Integer.MAX_VALUE));
        assertEquals(-1, Timeouts.millisRoundedUp(Integer.MAX_VALUE * MS + 1, Integer.MAX_VALUE),
                "one nanosecond beyond the cap rounds past it");
        assertEquals(-1, Timeouts.millisRoundedUp(Long.MAX_VALUE, Integer.MAX_VALUE));
        assertEquals(10, Timeouts.millisRoundedUp(10 * MS, 10));
        assertEquals(-1, Timeouts.millisRoundedUp(10 * MS + 1, 10));
    }

    @Test
    void aDwordCapIsReadUnsigned() {
        assertEquals(0xFFFFFFFE, Timeouts.millisRoundedUp(0xFFFFFFFEL * MS, DWORD_CAP), "the largest finite DWORD");
        assertEquals(0x80000000, Timeouts.millisRoundedUp(0x80000000L * MS, DWORD_CAP), "beyond int, within DWORD");
        assertEquals(-1, Timeouts.millisRoundedUp(0xFFFFFFFEL * MS + 1, DWORD_CAP), "INFINITE");
        assertEquals(-1, Timeouts.millisRoundedUp(Long.MAX_VALUE, DWORD_CAP));
    }

    @Test
    void timespecSplitsSecondsAndNanos() {
        assertEquals(0, Timeouts.timespecSeconds(0));
        assertEquals(0, Timeouts.timespecNanos(0));
        assertEquals(0, Timeouts.timespecSeconds(999_999_999));
        assertEquals(999_999_999, Timeouts.timespecNanos(999_999_999));
        assertEquals(1, Timeouts.timespecSeconds(1_000_000_000));
        assertEquals(0, Timeouts.timespecNanos(1_000_000_000));
        assertEquals(Long.MAX_VALUE / 1_000_000_000L, Timeouts.timespecSeconds(Long.MAX_VALUE));
        assertEquals(Long.MAX_VALUE % 1_000_000_000L, Timeouts.timespecNanos(Long.MAX_VALUE));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Timeouts.timespecSeconds(-1));
        assertTrue(e.getMessage().contains("pass NULL"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Timeouts.timespecNanos(-1));
    }

    @Test
    void cappedWaitsForeverAtTheCap() {
        long libkqueueCap = Integer.MAX_VALUE / 1000;
        long atCap = libkqueueCap * 1_000_000_000L;
        assertEquals(atCap - 1, Timeouts.capped(atCap - 1, libkqueueCap));
        assertEquals(NO_TIMEOUT, Timeouts.capped(atCap, libkqueueCap), "at the cap: forever, as kqueue did");
        assertEquals(NO_TIMEOUT, Timeouts.capped(-5, libkqueueCap));
        assertEquals(0, Timeouts.capped(0, libkqueueCap));
        assertEquals(Long.MAX_VALUE - 1, Timeouts.capped(Long.MAX_VALUE - 1, Long.MAX_VALUE), "pwait2: no overflow");
        assertEquals(Long.MAX_VALUE, Timeouts.capped(Long.MAX_VALUE, Long.MAX_VALUE));
        long bsdCap = Integer.MAX_VALUE;
        assertEquals(NO_TIMEOUT, Timeouts.capped(Long.MAX_VALUE, bsdCap));
        assertEquals(bsdCap * 1_000_000_000L - 1, Timeouts.capped(bsdCap * 1_000_000_000L - 1, bsdCap));
    }
}

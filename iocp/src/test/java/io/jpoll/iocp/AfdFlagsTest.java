package io.jpoll.iocp;

import io.jpoll.Interests;
import io.jpoll.spi.EventSink;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class AfdFlagsTest {
    private static final int R = EventSink.READABLE, W = EventSink.WRITABLE, E = EventSink.ERROR,
            RC = EventSink.READ_CLOSED, WC = EventSink.WRITE_CLOSED, P = EventSink.PRIORITY;

    @Test
    void bitValuesAreAfds() {
        assertEquals(0x1, AfdFlags.RECEIVE);
        assertEquals(0x2, AfdFlags.RECEIVE_EXPEDITED);
        assertEquals(0x4, AfdFlags.SEND);
        assertEquals(0x8, AfdFlags.DISCONNECT);
        assertEquals(0x10, AfdFlags.ABORT);
        assertEquals(0x20, AfdFlags.LOCAL_CLOSE);
        assertEquals(0x80, AfdFlags.ACCEPT);
        assertEquals(0x100, AfdFlags.CONNECT_FAIL);
    }

    @Test
    void interestsToAfd() {
        assertEquals(0x1 | 0x8 | 0x80 | 0x10 | 0x100 | 0x20, AfdFlags.toAfd(Interests.READABLE));
        assertEquals(0x4 | 0x10 | 0x100 | 0x20, AfdFlags.toAfd(Interests.WRITABLE));
        assertEquals(0x2 | 0x20, AfdFlags.toAfd(Interests.PRIORITY));
        assertEquals(0x1 | 0x2 | 0x4 | 0x8 | 0x10 | 0x20 | 0x80 | 0x100,
                AfdFlags.toAfd(Interests.READABLE.add(Interests.WRITABLE).add(Interests.PRIORITY)));
        assertEquals(AfdFlags.toAfd(Interests.READABLE), AfdFlags.toAfd(Interests.READABLE.level()),
                "the trigger does not change the mask");
    }

    @Test
    void afdToReadinessOneFlagAtATime() {
        assertEquals(R, AfdFlags.toReadiness(AfdFlags.RECEIVE));
        assertEquals(P, AfdFlags.toReadiness(AfdFlags.RECEIVE_EXPEDITED));
        assertEquals(W, AfdFlags.toReadiness(AfdFlags.SEND));
        assertEquals(R | RC, AfdFlags.toReadiness(AfdFlags.DISCONNECT));
        assertEquals(R | W | RC | WC, AfdFlags.toReadiness(AfdFlags.ABORT));
        assertEquals(0, AfdFlags.toReadiness(AfdFlags.LOCAL_CLOSE));
        assertEquals(R, AfdFlags.toReadiness(AfdFlags.ACCEPT));
        assertEquals(R | W | E | RC | WC, AfdFlags.toReadiness(AfdFlags.CONNECT_FAIL));
        assertEquals(0, AfdFlags.toReadiness(0x40), "AFD_POLL_CONNECT is never asked for");
    }

    @Test
    void readinessIsFilteredByTheCurrentInterests() {
        int all = AfdFlags.RECEIVE | AfdFlags.SEND | AfdFlags.RECEIVE_EXPEDITED;
        assertEquals(R, AfdFlags.readinessFor(all, Interests.READABLE));
        assertEquals(W, AfdFlags.readinessFor(all, Interests.WRITABLE));
        assertEquals(P, AfdFlags.readinessFor(all, Interests.PRIORITY));
        assertEquals(0, AfdFlags.readinessFor(AfdFlags.DISCONNECT, Interests.WRITABLE),
                "a writable poll does not learn of the peer's FIN");
        assertEquals(W | RC | WC, AfdFlags.readinessFor(AfdFlags.ABORT, Interests.WRITABLE));
        assertEquals(R | E | RC | WC, AfdFlags.readinessFor(AfdFlags.CONNECT_FAIL, Interests.READABLE));
    }

    @Test
    void failureCarriesTheHintsForEveryInterest() {
        assertEquals(R | E | RC | WC, AfdFlags.failureReadiness(Interests.READABLE));
        assertEquals(W | E | RC | WC, AfdFlags.failureReadiness(Interests.WRITABLE));
        assertEquals(E | RC | WC, AfdFlags.failureReadiness(Interests.PRIORITY));
    }

    @Test
    void everyBitAskedForAnInterestReportsThatInterest() {
        Interests[] kinds = {Interests.READABLE, Interests.WRITABLE, Interests.PRIORITY};
        int[] expected = {R, W, P};
        for (int k = 0; k < kinds.length; k++) {
            int mask = AfdFlags.toAfd(kinds[k]) & ~AfdFlags.LOCAL_CLOSE;
            for (int bit = 1; bit <= mask; bit <<= 1) {
                if ((mask & bit) != 0) {
                    assertEquals(expected[k], AfdFlags.readinessFor(bit, kinds[k]) & (R | W | P),
                            kinds[k] + " asks for AFD bit 0x" + Integer.toHexString(bit));
                }
            }
        }
    }
}

package io.jpoll;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

@Timeout(10)
class GateTest {
    @Test
    void closedGateAdmitsNobody() {
        Gate gate = new Gate();
        assertTrue(gate.enter());
        gate.exit();
        assertTrue(gate.close());
        assertFalse(gate.close(), "only the first closer is told it closed");
        assertTrue(gate.isClosed());
        assertFalse(gate.enter());
        gate.awaitEmpty("test"); // nobody inside: returns at once
    }

    @Test
    void closeWaitsForThoseInside() throws Exception {
        Gate gate = new Gate();
        assertTrue(gate.enter());
        assertTrue(gate.enter());
        gate.close();
        CountDownLatch done = new CountDownLatch(1);
        Thread closer = new Thread(() -> {
            gate.awaitEmpty("test");
            done.countDown();
        });
        closer.start();
        gate.exit();
        assertFalse(done.await(50, TimeUnit.MILLISECONDS), "one thread is still inside");
        gate.exit();
        assertTrue(done.await(5, TimeUnit.SECONDS));
    }
}

package io.jpoll.kqueue;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

class FdMapTest {

    @Test
    void putGetRemove() {
        FdMap m = new FdMap();
        assertEquals(-1, m.get(3));
        m.put(3, 0);
        m.put(4, 1);
        assertEquals(0, m.get(3));
        assertEquals(1, m.get(4));
        assertEquals(2, m.size());
        assertEquals(0, m.remove(3));
        assertEquals(-1, m.get(3));
        assertEquals(-1, m.remove(3));
        assertEquals(1, m.get(4));
        assertEquals(1, m.size());
    }

    /** Random churn against a HashMap: backward-shift removal must keep every probe run intact. */
    @Test
    void agreesWithAHashMapUnderChurn() {
        FdMap m = new FdMap();
        Map<Integer, Integer> ref = new HashMap<>();
        Random r = new Random(42);
        for (int step = 0; step < 200_000; step++) {
            int fd = r.nextInt(3000);
            if (ref.containsKey(fd)) {
                assertEquals((int) ref.remove(fd), m.remove(fd), "remove " + fd + " at step " + step);
            } else {
                ref.put(fd, step);
                m.put(fd, step);
            }
            if (step % 1000 == 0) {
                for (int probe = 0; probe < 3000; probe++) {
                    assertEquals(ref.getOrDefault(probe, -1).intValue(), m.get(probe), "get " + probe);
                }
            }
        }
        assertEquals(ref.size(), m.size());
    }
}

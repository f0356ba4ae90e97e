package io.jpoll.iocp;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class LongMapTest {
    @Test
    void putGetRemove() {
        LongMap<String> m = new LongMap<>();
        m.put(0x10000, "a");
        m.put(-5, "b");
        assertEquals("a", m.get(0x10000));
        assertEquals("b", m.get(-5));
        assertNull(m.get(7));
        m.put(-5, "c");
        assertEquals(2, m.size());
        assertEquals("c", m.remove(-5));
        assertNull(m.remove(-5));
        assertEquals(1, m.size());
        assertThrows(IllegalArgumentException.class, () -> m.put(0, "zero"));
    }

    /** Addresses 64 bytes apart, inserted and removed at random, against HashMap. */
    @Test
    void agreesWithHashMapUnderChurn() {
        LongMap<Long> m = new LongMap<>();
        Map<Long, Long> ref = new HashMap<>();
        Random random = new Random(42);
        for (int i = 0; i < 200_000; i++) {
            long key = 0x7F0000000000L + 64L * random.nextInt(3000);
            if (random.nextInt(3) == 0) {
                assertEquals(ref.remove(key), m.remove(key));
            } else {
                ref.put(key, (long) i);
                m.put(key, (long) i);
            }
            if (i % 1000 == 0) {
                for (Map.Entry<Long, Long> e : ref.entrySet()) {
                    assertEquals(e.getValue(), m.get(e.getKey()));
                }
            }
            assertEquals(ref.size(), m.size());
        }
        int[] seen = {0};
        m.forEachValue(v -> seen[0]++);
        assertEquals(ref.size(), seen[0]);
    }
}

package io.jpoll.spi;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class BufferPoolTest {
    @Test
    void takesWhatWasGivenAndRefusesBeyondItsSlots() {
        BufferPool<String> pool = new BufferPool<>(2);
        assertNull(pool.take());
        assertTrue(pool.give("a"));
        assertTrue(pool.give("b"));
        assertFalse(pool.give("c"), "full: the caller frees c");
        String first = pool.take();
        String second = pool.take();
        assertNull(pool.take());
        assertEquals(List.of("a", "b"), List.of(first, second).stream().sorted().toList());
        pool.give("x");
        List<String> freed = new ArrayList<>();
        pool.drain(freed::add);
        assertEquals(List.of("x"), freed);
        assertNull(pool.take());
    }
}

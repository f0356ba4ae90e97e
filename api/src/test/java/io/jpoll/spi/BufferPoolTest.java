package io.jpoll.spi;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;

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

    @Test
    void takeOrCreateMakesOnlyWhenEmptyAndGiveOrFreeFreesOnlyWhenFull() {
        BufferPool<StringBuilder> pool = new BufferPool<>(1);
        AtomicInteger made = new AtomicInteger();
        List<StringBuilder> freed = new ArrayList<>();
        Supplier<StringBuilder> create = () -> new StringBuilder("new" + made.incrementAndGet());
        Consumer<StringBuilder> free = freed::add;

        StringBuilder a = pool.takeOrCreate(create);
        StringBuilder b = pool.takeOrCreate(create);
        assertEquals("new1", a.toString());
        assertEquals("new2", b.toString());
        pool.giveOrFree(a, free);
        assertEquals(List.of(), freed, "a free slot: pooled, not freed");
        pool.giveOrFree(b, free);
        assertEquals(1, freed.size());
        assertSame(b, freed.get(0), "the pool was full: b was freed");
        assertSame(a, pool.takeOrCreate(create), "the pooled one comes back, nothing made");
        assertEquals(2, made.get());
    }
}

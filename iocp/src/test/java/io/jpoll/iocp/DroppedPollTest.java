package io.jpoll.iocp;

import com.sun.jna.Memory;
import io.jpoll.Interests;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.ref.Reference;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;

/**
 * A Poll dropped without close: the kernel may still write the IO_STATUS_BLOCK and AFD_POLL_INFO
 * of every poll it left pending, so their memory must never be freed by a garbage collector.
 * A JNA {@code Memory} is freed by JNA's cleaner once it is unreachable; the test watches the
 * objects that own the blocks through weak references after the selector itself was collected.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DroppedPollTest {
    private static final long S1 = 0x300, S2 = 0x304;

    @Test
    void theBlocksOfPendingPollsOutliveADroppedSelector() throws Exception {
        FakeAfdPort afd = new FakeAfdPort();
        ReferenceQueue<Object> collected = new ReferenceQueue<>();
        List<WeakReference<Object>> blocks = new ArrayList<>();
        WeakReference<Object> selector = dropSelectorWithPendingPolls(afd, blocks, collected);
        assertEquals(2, afd.pending().size());

        awaitCollected(selector, collected);
        // JNA holds a Memory strongly while a ByteBuffer view of it is reachable, and lets go when
        // a later view is made anywhere in the JVM (its WeakMemoryHolder cleans then): any other
        // Poll's buffers do that. Make one, then give the collector and JNA's cleaner their turn.
        for (int i = 0; i < 3; i++) {
            try (Memory other = new Memory(8)) {
                other.getByteBuffer(0, 8);
            }
            System.gc();
            Thread.sleep(20); // lets the collector and JNA's cleaner thread run; nothing is awaited
        }
        for (WeakReference<Object> block : blocks) {
            assertNotNull(block.get(), "the block of a pending poll became unreachable, so JNA's cleaner frees"
                    + " memory the kernel still writes");
        }

        // The kernel writes into them: a completion and a LOCAL_CLOSE. Nobody dequeues them any more.
        afd.setReady(S1, AfdFlags.RECEIVE);
        afd.closeSocket(S2);
        assertEquals(2, afd.queued());
        assertEquals(List.of(), afd.violations());
    }

    @Test
    void closeUnpinsTheBlocksItFreed() throws Exception {
        int before = Blocks.pinned();
        IocpSelector selector = new IocpSelector(new FakeAfdPort());
        assertEquals(before + 1, Blocks.pinned());
        selector.register(S1, 1, Interests.READABLE);
        selector.close();
        assertEquals(0, selector.liveBlocks());
        assertEquals(before, Blocks.pinned(), "a closed selector's table is no longer held");
    }

    /** Registers two sockets whose polls stay pending, and drops the selector. */
    private static WeakReference<Object> dropSelectorWithPendingPolls(FakeAfdPort afd, List<WeakReference<Object>> blocks,
                                                                      ReferenceQueue<Object> collected) throws Exception {
        IocpSelector selector = new IocpSelector(afd);
        selector.register(S1, 1, Interests.READABLE);
        selector.register(S2, 2, Interests.WRITABLE);
        for (Object owner : selector.blockOwners()) {
            blocks.add(new WeakReference<>(owner));
        }
        assertEquals(2, blocks.size());
        return new WeakReference<>(selector, collected);
    }

    /** Collects garbage until {@code ref} is enqueued, for at most 30 s. */
    private static void awaitCollected(WeakReference<Object> ref, ReferenceQueue<Object> queue) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        Reference<?> got = null;
        while (got == null && System.nanoTime() < deadline) {
            System.gc();
            got = queue.remove(100);
        }
        assertSame(ref, got, "the dropped selector was not collected within 30 s");
    }
}

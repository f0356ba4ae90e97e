package io.jpoll.hardening;

import io.jpoll.ChildPipes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every descriptor ChildPipes opens is closed exactly once on each path: a child run to its end,
 * a child whose pipes are closed early (twice), and a child that cannot start. A leaked pipe end
 * shows as an appeared {@code pipe:[...]}; a double close of a descriptor that another thread got
 * meanwhile, as a vanished one.
 */
@EnabledOnOs(OS.LINUX)
@Timeout(120)
class ChildPipesLeakTest {
    static final int CYCLES = 20;

    @Test
    void everyPathClosesEveryPipeOnce() throws Exception {
        cycle(); // warm-up: the JDK's process classes and its reaper thread, loaded and started once
        Map<Integer, String> before = ProcessResources.fdTargets();
        for (int i = 0; i < CYCLES; i++) {
            cycle();
        }
        Map<Integer, String> after = ProcessResources.fdTargets();
        ProcessResources.assertSameFds(before, after, () -> CYCLES + " ChildPipes cycles (run, closed early, failed start)");
    }

    private static void cycle() throws Exception {
        // Run to the end: write, read back, end of stream.
        try (ChildPipes child = ChildPipes.start(new ProcessBuilder("cat"))) {
            child.stdin().configureBlocking(true);
            child.stdin().write(ByteBuffer.wrap("x".getBytes(StandardCharsets.US_ASCII)));
            child.stdin().close();
            child.stdout().configureBlocking(true);
            ByteBuffer b = ByteBuffer.allocate(8);
            while (child.stdout().read(b) >= 0) {
                // until end of stream: the child's copy was its only writer
            }
            assertEquals("x", new String(b.array(), 0, b.position(), StandardCharsets.US_ASCII));
            assertTrue(child.process().waitFor(10, TimeUnit.SECONDS));
        }
        // Closed early, twice.
        ChildPipes early = ChildPipes.start(new ProcessBuilder("cat"));
        early.close();
        early.close();
        assertTrue(early.process().waitFor(10, TimeUnit.SECONDS));
        // A start that fails after every pipe was opened.
        assertThrows(IOException.class, () -> ChildPipes.start(new ProcessBuilder("/nonexistent/jpoll-no-such-program")));
    }
}

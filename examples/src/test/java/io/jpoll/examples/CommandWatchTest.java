package io.jpoll.examples;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The {@code timers} example: a child's lines and exit, a deadline that stops it, a child that
 * ignores the stop and is killed after the grace, and one that leaves its output held open.
 */
@DisabledOnOs(value = OS.WINDOWS, disabledReason = "a child's stdio as pipes is Unix only")
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class CommandWatchTest {
    private static final Duration LONG = Duration.ofSeconds(20);
    private final ByteArrayOutputStream printed = new ByteArrayOutputStream();

    private CommandWatch.Result run(Duration tick, Duration quiet, Duration deadline, String script) throws Exception {
        CommandWatch watch = new CommandWatch(new PrintStream(printed, true, StandardCharsets.UTF_8), tick, quiet, deadline);
        return watch.run(new ProcessBuilder("sh", "-c", script));
    }

    /** What was printed, without the time column. */
    private List<String> lines() {
        return Arrays.stream(printed.toString(StandardCharsets.UTF_8).split("\n"))
                .map(l -> l.substring(l.indexOf(" s  ") + 4)).collect(Collectors.toList());
    }

    private List<String> without(String prefix) {
        return lines().stream().filter(l -> !l.startsWith(prefix)).collect(Collectors.toList());
    }

    @Test
    void linesOfBothStreamsThenTheExit() throws Exception {
        CommandWatch.Result r = run(LONG, LONG, LONG, "printf 'a\\nb'; printf 'e\\n' >&2; exit 3");
        assertEquals(3, r.exitStatus());
        assertFalse(r.stopped() || r.killed() || r.outputAbandoned(), r::toString);
        assertEquals(0, r.ticks());
        assertEquals(0, r.quietWarnings());
        List<String> lines = lines();
        assertTrue(lines.get(0).startsWith("started pid "), lines::toString);
        long pid = Long.parseLong(lines.get(0).split(" ")[2].replace(":", ""));
        // stdout and stderr are two pipes: their order between each other is the OS's, within each it is kept.
        assertEquals(List.of("out: a", "out: b (no newline at the end)"),
                lines.stream().filter(l -> l.startsWith("out: ")).collect(Collectors.toList()));
        assertEquals(List.of("err: e"), lines.stream().filter(l -> l.startsWith("err: ")).collect(Collectors.toList()));
        assertTrue(lines.contains("pid " + pid + " exited"), lines::toString);
        assertEquals("FINISHED, exit status 3", lines.get(lines.size() - 1));
    }

    @Test
    void theDeadlineStopsTheChildAndTicksCountOnTheWay() throws Exception {
        long t0 = System.nanoTime();
        // exec: the shell becomes sleep, so the stop reaches the process that holds the pipes.
        CommandWatch.Result r = run(Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(300), "exec sleep 30");
        long millis = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(r.stopped(), r::toString);
        assertFalse(r.killed(), "sleep stops on SIGTERM: " + r);
        assertEquals(143, r.exitStatus(), "128 + SIGTERM");
        assertTrue(millis >= 300, "never before the deadline: " + millis + " ms");
        assertTrue(millis < 10_000, "the deadline stopped it: " + millis + " ms");
        // Never early: the ticks due at 100 and 200 ms came before the deadline's event at 300 ms or later.
        assertTrue(r.ticks() >= 2, r::toString);
        assertTrue(r.quietWarnings() >= 1, r::toString);
        List<String> events = without("tick").stream().filter(l -> !l.startsWith("no output")).collect(Collectors.toList());
        assertTrue(events.get(1).startsWith("deadline of 300 ms passed: asking pid "), events::toString);
        assertTrue(events.get(2).matches("pid \\d+ exited"), events::toString);
        assertEquals("FINISHED, exit status 143", events.get(3));
    }

    @Test
    void aChildThatIgnoresTheStopIsKilledAfterTheGrace() throws Exception {
        // An ignored signal stays ignored across exec, so sleep ignores the stop; exec leaves no
        // grandchild to hold the pipes after the kill. (A shell's own read would not do: destroy()
        // closes the JDK's stdin pipe, and the read ends.)
        CommandWatch.Result r = run(LONG, LONG, Duration.ofMillis(200), "trap '' TERM; echo ready; exec sleep 30");
        assertTrue(r.stopped() && r.killed(), r::toString);
        assertEquals(137, r.exitStatus(), "128 + SIGKILL");
        List<String> lines = lines();
        assertTrue(lines.contains("out: ready"), lines::toString);
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("still running after 1 s: killing pid ")), lines::toString);
    }

    @Test
    void outputHeldOpenAfterTheExitIsGivenUpAfterTheLinger() throws Exception {
        // The background sleep keeps the shell's stdout and stderr open for 3 s after the shell exits.
        CommandWatch.Result r = run(LONG, LONG, LONG, "sleep 3 & echo bye");
        assertEquals(0, r.exitStatus());
        assertTrue(r.outputAbandoned(), r::toString);
        List<String> lines = lines();
        assertTrue(lines.contains("out: bye"), lines::toString);
        assertTrue(lines.contains("its output is still open 1 s after the exit (held by a process it started):"
                + " no longer waiting for it"), lines::toString);
    }
}

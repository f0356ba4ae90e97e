package io.jpoll;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** ChildPipes without a Poll: argument checks, the builder left as it was, blocking modes. */
@Timeout(20)
class ChildPipesTest {
    @Test
    void nullArgumentsAreNamed() {
        assertEquals("ChildPipes.start: builder is null",
                assertThrows(NullPointerException.class, () -> ChildPipes.start(null)).getMessage());
        assertEquals("ChildPipes.start: first is null", assertThrows(NullPointerException.class,
                () -> ChildPipes.start(new ProcessBuilder("true"), null)).getMessage());
        assertEquals("ChildPipes.start: a stream in more is null", assertThrows(NullPointerException.class,
                () -> ChildPipes.start(new ProcessBuilder("true"), ChildPipes.Stdio.STDOUT, (ChildPipes.Stdio) null))
                .getMessage());
    }

    @Test
    @DisabledOnOs(OS.WINDOWS)
    void stderrCannotBeAPipeWhenTheBuilderMergesIt() {
        ProcessBuilder merged = new ProcessBuilder("true").redirectErrorStream(true);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ChildPipes.start(merged));
        assertEquals("ChildPipes.start: [true] has redirectErrorStream(true), which sends stderr to stdout;"
                + " ask for STDOUT (it carries both), or turn that off", e.getMessage());
    }

    @Test
    @DisabledOnOs(OS.WINDOWS)
    void theBuilderKeepsItsRedirectsWhetherTheStartWorksOrNot() throws Exception {
        ProcessBuilder b = new ProcessBuilder("true")
                .redirectInput(Redirect.INHERIT).redirectOutput(Redirect.DISCARD).redirectError(Redirect.INHERIT);
        Redirect in = b.redirectInput();
        Redirect out = b.redirectOutput();
        Redirect err = b.redirectError();
        try (ChildPipes child = ChildPipes.start(b)) {
            assertTrue(child.process().waitFor(10, TimeUnit.SECONDS));
        }
        assertSame(in, b.redirectInput());
        assertSame(out, b.redirectOutput());
        assertSame(err, b.redirectError());

        b.command("/nonexistent/jpoll-no-such-program");
        assertThrows(IOException.class, () -> ChildPipes.start(b));
        assertSame(in, b.redirectInput());
        assertSame(out, b.redirectOutput());
        assertSame(err, b.redirectError());
    }

    @Test
    @DisabledOnOs(OS.WINDOWS)
    void thisSidesEndsAreNonBlockingAndTheOthersAreAbsent() throws Exception {
        ProcessBuilder b = new ProcessBuilder("cat");
        try (ChildPipes child = ChildPipes.start(b, ChildPipes.Stdio.STDIN, ChildPipes.Stdio.STDOUT)) {
            assertFalse(child.stdin().isBlocking());
            assertFalse(child.stdout().isBlocking());
            // cat is alive and silent: a non-blocking read finds nothing instead of waiting.
            assertEquals(0, child.stdout().read(ByteBuffer.allocate(16)));
            IllegalStateException e = assertThrows(IllegalStateException.class, child::stderr);
            assertEquals("ChildPipes.stderr: pid " + child.process().pid() + " was started without STDERR on a pipe",
                    e.getMessage());
            assertEquals("ChildPipes{pid=" + child.process().pid() + ", STDIN, STDOUT}", child.toString());
            child.stdin().close();
            assertTrue(child.process().waitFor(10, TimeUnit.SECONDS));
            assertEquals(0, child.process().exitValue());
            // The JDK's own stderr pipe is still there for the stream not asked for.
            assertEquals(-1, child.process().getErrorStream().read());
        }
    }

    @Test
    @DisabledOnOs(OS.WINDOWS)
    void closeIsIdempotent() throws Exception {
        ChildPipes child = ChildPipes.start(new ProcessBuilder("true"));
        child.close();
        child.close();
        assertFalse(child.stdout().isOpen());
        assertFalse(child.stdin().isOpen());
        assertFalse(child.stderr().isOpen());
        assertTrue(child.process().waitFor(10, TimeUnit.SECONDS));
    }

    @Test
    @EnabledOnOs(OS.WINDOWS)
    void windowsRefusesBeforeOpeningAnything() {
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                () -> ChildPipes.start(new ProcessBuilder("cmd", "/c", "echo")));
        assertTrue(e.getMessage().startsWith("ChildPipes.start: not offered on Windows"), e.getMessage());
    }
}

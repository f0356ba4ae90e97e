package io.jpoll.it;

import io.jpoll.ChildPipes;
import io.jpoll.ChildPipes.Stdio;
import io.jpoll.Interests;
import io.jpoll.Source;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

import static io.jpoll.it.Expect.readable;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A child's stdin, stdout and stderr as pipes this JVM owns ({@link ChildPipes}), driven through
 * the Poll: output to end of stream, input echoed back, more than a pipe buffer each way.
 */
@DisabledOnOs(value = OS.WINDOWS, disabledReason = "ChildPipes is Unix only; Windows refuses it (see ChildPipesTest)")
class ChildStdioTest extends PollFixture {
    private static final long IN = 0x1_0000_0000L;
    private static final long OUT = -2L;
    private static final long ERR = Long.MIN_VALUE + 3;
    private static final long EXIT = Long.MAX_VALUE;
    private static final Duration LIMIT = Duration.ofSeconds(8);

    private ChildPipes start(Stdio first, Stdio... more) throws IOException {
        return closeLater(ChildPipes.start(new ProcessBuilder(command), first, more));
    }

    private String[] command;

    private ChildStdioTest sh(String script) {
        command = new String[]{"sh", "-c", script};
        return this;
    }

    private static int exit(ChildPipes child) throws InterruptedException {
        assertTrue(child.process().waitFor(5, TimeUnit.SECONDS), () -> child + " has not exited");
        return child.process().exitValue();
    }

    @Test
    @DisplayName("child stdio: stdout is read through the Poll to end of stream, with the exact bytes")
    void stdoutToEndOfStream() throws Exception {
        ChildPipes child = sh("printf 'line one\\n'; printf 'line two\\n'").start(Stdio.STDOUT);
        ChildLoop loop = new ChildLoop(poll).read(child.stdout(), OUT).run(LIMIT);
        assertEquals("line one\nline two\n", loop.ascii(OUT));
        assertEquals(0, exit(child));
    }

    @Test
    @DisplayName("child stdio: stdout to end of stream together with the exit event, both in one loop")
    void endOfStreamAndExit() throws Exception {
        ChildPipes child = sh("printf 'before exit'; exit 7").start(Stdio.STDOUT, Stdio.STDERR);
        ChildLoop loop = new ChildLoop(poll).read(child.stdout(), OUT).read(child.stderr(), ERR)
                .exit(child.process().toHandle(), EXIT).run(LIMIT);
        assertEquals("before exit", loop.ascii(OUT));
        assertEquals("", loop.ascii(ERR));
        assertEquals(1, loop.exitEvents());
        assertEquals(7, exit(child));
    }

    @Test
    @DisplayName("child stdio: the exit event comes while a grandchild still holds stdout open; the end comes with it")
    void exitBeforeEndOfStream() throws Exception {
        // The shell exits at once; the subshell keeps its stdout until it has read its input. A
        // background list's stdin is /dev/null, so the pipe goes to it as fd 3.
        ChildPipes child = sh("exec 3<&0; (read x <&3; printf \"late %s\" \"$x\") &").start(Stdio.STDIN, Stdio.STDOUT);
        ChildLoop waitExit = new ChildLoop(poll).exit(child.process().toHandle(), EXIT).run(LIMIT);
        assertEquals(1, waitExit.exitEvents());
        assertEquals(0, exit(child));
        // The stdout has not ended: the grandchild holds it, waiting for its input.
        assertEquals(0, child.stdout().read(ByteBuffer.allocate(8)));
        ChildLoop rest = new ChildLoop(poll).write(child.stdin(), IN, "x\n".getBytes(StandardCharsets.US_ASCII))
                .read(child.stdout(), OUT).run(LIMIT);
        assertEquals("late x", rest.ascii(OUT));
    }

    @Test
    @DisplayName("child stdio: a silent child's stdout gives no event until it writes, then end of stream at its exit")
    void noEventUntilTheChildWrites() throws Exception {
        ChildPipes child = sh("read line; printf \"got %s\" \"$line\"").start(Stdio.STDIN, Stdio.STDOUT);
        registry.register(Source.of(child.stdout()), OUT, Interests.READABLE);
        expectNoEvents(); // the child waits for its input: nothing to read, and no end of stream yet
        send(child.stdin(), "ping\n");
        StringBuilder got = new StringBuilder();
        ByteBuffer b = ByteBuffer.allocate(64);
        int n = 0;
        while (n >= 0) {
            expect(readable(OUT));
            while ((n = child.stdout().read(b.clear())) > 0) {
                got.append(StandardCharsets.US_ASCII.decode(b.flip()));
            }
            registry.reregister(Source.of(child.stdout()), OUT, Interests.READABLE);
        }
        assertEquals("got ping", got.toString());
        assertEquals(0, exit(child));
    }

    @Test
    @DisplayName("child stdio: stdin written through the Poll comes back through cat's stdout; closing stdin ends it")
    void catEchoesStdin() throws Exception {
        ChildPipes child = closeLater(ChildPipes.start(new ProcessBuilder("cat"), Stdio.STDIN, Stdio.STDOUT));
        byte[] message = "hello, child\n".getBytes(StandardCharsets.US_ASCII);
        ChildLoop loop = new ChildLoop(poll).write(child.stdin(), IN, message).read(child.stdout(), OUT).run(LIMIT);
        assertArrayEquals(message, loop.bytes(OUT));
        assertEquals(0, exit(child));
    }

    @Test
    @DisplayName("child stdio: stdout and stderr are separate pipes, each to end of stream")
    void stderrApart() throws Exception {
        ChildPipes child = sh("printf out1; printf err1 >&2; printf out2; printf err2 >&2; exit 3")
                .start(Stdio.STDOUT, Stdio.STDERR);
        ChildLoop loop = new ChildLoop(poll).read(child.stdout(), OUT).read(child.stderr(), ERR).run(LIMIT);
        assertEquals("out1out2", loop.ascii(OUT));
        assertEquals("err1err2", loop.ascii(ERR));
        assertEquals(3, exit(child));
    }

    @Test
    @DisplayName("child stdio: with redirectErrorStream(true), the stdout pipe carries stderr too")
    void mergedStderr() throws Exception {
        ProcessBuilder b = new ProcessBuilder("sh", "-c", "printf a; printf b >&2; printf c").redirectErrorStream(true);
        ChildPipes child = closeLater(ChildPipes.start(b, Stdio.STDOUT));
        assertEquals("abc", new ChildLoop(poll).read(child.stdout(), OUT).run(LIMIT).ascii(OUT));
        assertEquals(0, exit(child));
    }

    @Test
    @DisplayName("child stdio: a child writing 1 MiB, far more than a pipe buffer, is read whole")
    void moreThanAPipeBufferOut() throws Exception {
        int size = 1 << 20;
        ChildPipes child = sh("yes 0123456789abcdef | head -c " + size).start(Stdio.STDOUT);
        ChildLoop loop = new ChildLoop(poll).read(child.stdout(), OUT).run(LIMIT);
        byte[] got = loop.bytes(OUT);
        assertEquals(size, got.length);
        byte[] line = "0123456789abcdef\n".getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < size; i++) {
            if (got[i] != line[i % line.length]) {
                throw new AssertionError("byte " + i + " is " + got[i] + ", expected " + line[i % line.length]);
            }
        }
        assertTrue(loop.readableEvents() > 1, "1 MiB cannot fit one pipe buffer, so it takes several events");
        assertEquals(0, exit(child));
    }

    @Test
    @DisplayName("child stdio: 1 MiB through cat both ways at once, neither side blocking the other")
    void moreThanAPipeBufferBothWays() throws Exception {
        ChildPipes child = closeLater(ChildPipes.start(new ProcessBuilder("cat"), Stdio.STDIN, Stdio.STDOUT));
        byte[] data = new byte[1 << 20];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i * 31 + (i >>> 12));
        }
        ChildLoop loop = new ChildLoop(poll).write(child.stdin(), IN, data).read(child.stdout(), OUT).run(LIMIT);
        byte[] got = loop.bytes(OUT);
        assertEquals(data.length, got.length);
        assertTrue(Arrays.equals(data, got), "the bytes came back changed");
        assertEquals(0, exit(child));
    }

    @Test
    @DisplayName("child stdio: closing this side before the child writes ends the child (EPIPE/SIGPIPE), twice is fine")
    void closedBeforeTheChildWrites() throws Exception {
        // The child waits for its input before it writes, so the close surely comes first.
        ChildPipes child = sh("read go; yes").start(Stdio.STDIN, Stdio.STDOUT);
        child.stdout().close();
        child.stdin().close(); // end of input: read returns, yes writes to a pipe without a reader
        int status = exit(child);
        assertTrue(status != 0, "yes cannot succeed writing to a pipe without a reader, but exited " + status);
        child.close();
        child.close();
        assertThrows(IllegalArgumentException.class, () -> registry.register(Source.of(child.stdout()), OUT,
                Interests.READABLE), "a closed channel is refused, not registered by its old number");
    }

    @Test
    @DisplayName("child stdio: a child that cannot start leaves nothing open and throws the JDK's IOException")
    void startFails() {
        ProcessBuilder b = new ProcessBuilder("/nonexistent/jpoll-no-such-program");
        IOException e = assertThrows(IOException.class, () -> ChildPipes.start(b));
        assertTrue(e.getMessage().contains("/nonexistent/jpoll-no-such-program"), e.getMessage());
    }
}

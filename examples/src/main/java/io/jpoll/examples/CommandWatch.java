package io.jpoll.examples;

import io.jpoll.ChildPipes;
import io.jpoll.Events;
import io.jpoll.Interests;
import io.jpoll.Poll;
import io.jpoll.Source;
import io.jpoll.Timer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Runs a command under watch, on one thread with one Poll and no thread per timer: the child's
 * stdout and stderr lines as they come ({@link ChildPipes}), a tick every so often (a periodic
 * timer, whose merged expiries say how many ticks a slow loop missed), a warning when the child has
 * been quiet too long (a one-shot timer, set again on every output), a deadline that stops the
 * child (a one-shot timer, set once more for the grace before a forced kill), and the child's exit
 * ({@link Source#process}).
 *
 * <p>The loop ends once the child has exited and its output has ended. A child may leave a process
 * of its own behind that still holds its stdout; after the exit, the output gets {@link #LINGER}
 * to end, and then is no longer waited for.
 */
final class CommandWatch {
    static final long OUT = 1;
    static final long ERR = 2;
    static final long EXIT = 3;
    static final long TICK = 4;
    static final long QUIET = 5;
    static final long DEADLINE = 6;
    static final long LINGER_TOKEN = 7;
    static final Duration GRACE = Duration.ofSeconds(1);
    static final Duration LINGER = Duration.ofSeconds(1);

    /** What happened, for the caller and the tests. */
    record Result(int exitStatus, boolean stopped, boolean killed, long ticks, int quietWarnings,
                  boolean outputAbandoned) {
    }

    private final PrintStream out;
    private final Duration tick;
    private final Duration quiet;
    private final Duration deadline;
    private final ByteBuffer buffer = ByteBuffer.allocate(8192);
    private long start;

    /**
     * @param out      where the report goes
     * @param tick     the period of the progress tick
     * @param quiet    how long without output before a warning
     * @param deadline how long the child may run before it is asked to stop
     */
    CommandWatch(PrintStream out, Duration tick, Duration quiet, Duration deadline) {
        this.out = out;
        this.tick = tick;
        this.quiet = quiet;
        this.deadline = deadline;
    }

    Result run(ProcessBuilder command) throws IOException, InterruptedException {
        try (Poll poll = Poll.open();
             ChildPipes child = ChildPipes.start(command, ChildPipes.Stdio.STDOUT, ChildPipes.Stdio.STDERR)) {
            start = System.nanoTime(); // times from the child's start, not from the JVM's first Poll
            Process process = child.process();
            say("started pid " + process.pid() + ": " + String.join(" ", command.command()));
            Lines stdout = new Lines("out", child.stdout());
            Lines stderr = new Lines("err", child.stderr());
            poll.registry().register(Source.of(child.stdout()), OUT, Interests.READABLE.level());
            poll.registry().register(Source.of(child.stderr()), ERR, Interests.READABLE.level());
            poll.registry().register(Source.process(process.toHandle()), EXIT, Interests.READABLE);

            Timer ticker = poll.timer(TICK);
            Timer silence = poll.timer(QUIET);
            Timer stop = poll.timer(DEADLINE);
            Timer linger = poll.timer(LINGER_TOKEN);
            ticker.set(tick, tick);
            silence.set(quiet);
            stop.set(deadline);

            Events events = new Events(16);
            long ticks = 0;
            int quietWarnings = 0;
            boolean stopped = false;
            boolean killed = false;
            boolean exited = false;
            boolean abandoned = false;
            while (!(exited && stdout.ended && stderr.ended) && !abandoned) {
                poll.poll(events, null); // the timers bound every wait
                for (int i = 0; i < events.size(); i++) {
                    long token = events.token(i);
                    if (token == OUT || token == ERR) {
                        Lines lines = token == OUT ? stdout : stderr;
                        if (lines.readAvailable()) {
                            poll.registry().deregister(Source.of(lines.channel));
                        }
                        silence.set(quiet); // re-set while armed: the earlier setting never fires
                    } else if (token == TICK) {
                        long n = events.expirations(i);
                        ticks += n;
                        say(n == 1 ? "tick" : "tick x" + n + " (the loop was late; the expiries merged)");
                    } else if (token == QUIET) {
                        quietWarnings++;
                        say("no output for " + millis(quiet));
                        silence.set(quiet);
                    } else if (token == DEADLINE && !stopped) {
                        stopped = true;
                        say("deadline of " + millis(deadline) + " passed: asking pid " + process.pid() + " to stop");
                        process.destroy();
                        stop.set(GRACE); // the same timer again, for the grace before the forced kill
                    } else if (token == DEADLINE) {
                        killed = true;
                        say("still running after " + millis(GRACE) + ": killing pid " + process.pid());
                        process.destroyForcibly();
                    } else if (token == EXIT) {
                        exited = true;
                        poll.registry().deregister(Source.process(process.toHandle()));
                        ticker.cancel();
                        silence.cancel();
                        stop.cancel();
                        linger.set(LINGER);
                        say("pid " + process.pid() + " exited");
                    } else if (token == LINGER_TOKEN) {
                        abandoned = true;
                        say("its output is still open " + millis(LINGER) + " after the exit"
                                + " (held by a process it started): no longer waiting for it");
                    }
                }
            }
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                throw new IOException("pid " + process.pid() + " reported its exit but the JDK has not reaped it in 5 s");
            }
            int status = process.exitValue();
            say("FINISHED, exit status " + status);
            return new Result(status, stopped, killed, ticks, quietWarnings, abandoned);
        }
    }

    private void say(String what) {
        out.printf("%6.2f s  %s%n", (System.nanoTime() - start) / 1e9, what);
    }

    private static String millis(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }

    /** One output pipe, cut into lines at newline bytes; a line without its newline waits for the rest. */
    private final class Lines {
        final String name;
        final Pipe.SourceChannel channel;
        /** Bytes, not chars: a chunk may end inside a UTF-8 sequence. */
        final ByteArrayOutputStream partial = new ByteArrayOutputStream();
        boolean ended;

        Lines(String name, Pipe.SourceChannel channel) {
            this.name = name;
            this.channel = channel;
        }

        /** Reads what is there; true once it has ended. */
        boolean readAvailable() throws IOException {
            int n;
            while ((n = channel.read(buffer.clear())) > 0) {
                for (int i = 0; i < n; i++) {
                    byte b = buffer.get(i);
                    if (b == '\n') {
                        say(name + ": " + partial.toString(StandardCharsets.UTF_8));
                        partial.reset();
                    } else {
                        partial.write(b);
                    }
                }
            }
            if (n < 0) {
                if (partial.size() > 0) {
                    say(name + ": " + partial.toString(StandardCharsets.UTF_8) + " (no newline at the end)");
                    partial.reset();
                }
                ended = true;
            }
            return ended;
        }
    }
}

package io.jpoll;

import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.channels.Pipe;
import java.nio.channels.SelectableChannel;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A child process whose stdin, stdout and stderr are pipes that this JVM owns, as non-blocking
 * JDK channels ready for {@link Source#of}: the supported way, on Unix, to poll a child's output
 * and write its input through a {@link Poll}.
 *
 * <pre>{@code
 * try (Poll poll = Poll.open();
 *      ChildPipes child = ChildPipes.start(new ProcessBuilder("ls", "-l"), ChildPipes.Stdio.STDOUT)) {
 *     poll.registry().register(Source.of(child.stdout()), OUT, Interests.READABLE.level());
 *     // poll; on OUT, read child.stdout() until it would block (0) or ends (-1)
 * }
 * }</pre>
 *
 * <p><b>Why not the JDK's own streams.</b> {@link Process#getInputStream()} is not a channel, and
 * its descriptor belongs to the JDK: when the child exits, the JDK's reaper thread drains it and
 * closes it, so a registration taken from it by reflection races with that thread (stray events,
 * "Stream Closed", a registration that silently vanishes). The pipes made here belong to this
 * object, and nothing closes them but {@link #close()} and the channels' own {@code close()}.
 *
 * <p><b>How.</b> For each stream asked for, a {@link Pipe} is opened; the child's end is given to
 * the {@link ProcessBuilder} as a file redirect to the descriptor's own path, {@code /proc/self/fd/N}
 * on Linux and {@code /dev/fd/N} on macOS and the BSDs. The JDK opens redirect files in this
 * process before it starts the child, hands the child the opened descriptor as its stdio, and
 * closes it once the child has started; it closes every other descriptor in the child, so the
 * pipes leak into no child, this one or another started at the same moment. Once the child has
 * started, this class closes this process's copies of the child's ends too, so that the child's
 * exit (or its closing of stdout) is end of stream here, and closing {@link #stdin()} is end of
 * stream for the child. The builder's redirects are put back as they were, whether the start
 * succeeds or not.
 *
 * <p><b>Where.</b> Linux (procfs on {@code /proc}), macOS, OpenBSD, NetBSD, and FreeBSD and
 * DragonFly with fdescfs mounted on {@code /dev/fd} (without it, {@link #start} throws
 * {@link UnsupportedOperationException} saying how to mount it). Not on Windows, where a child's
 * stdio must be a pipe HANDLE and a JDK {@code Pipe} is a pair of loopback sockets: there, read the
 * JDK's streams on threads of their own, and learn of the exit through
 * {@code Source.process(process.toHandle())}.
 *
 * <p>The exit status stays the JDK's business ({@link Process#waitFor()}, {@link Process#onExit()});
 * register {@code Source.process(child.process().toHandle())} to have the exit as an event too.
 * This class neither waits for nor kills the child.
 */
public final class ChildPipes implements AutoCloseable {
    private static final String START = "ChildPipes.start";

    /** A standard stream of the child. */
    public enum Stdio {
        /** The child's standard input: this side writes to {@link ChildPipes#stdin()}. */
        STDIN,
        /** The child's standard output: this side reads {@link ChildPipes#stdout()}. */
        STDOUT,
        /** The child's standard error: this side reads {@link ChildPipes#stderr()}. */
        STDERR
    }

    private final Process process;
    private final Pipe.SinkChannel stdin;
    private final Pipe.SourceChannel stdout;
    private final Pipe.SourceChannel stderr;

    private ChildPipes(Process process, Pipe.SinkChannel stdin, Pipe.SourceChannel stdout,
                       Pipe.SourceChannel stderr) {
        this.process = process;
        this.stdin = stdin;
        this.stdout = stdout;
        this.stderr = stderr;
    }

    /**
     * Starts {@code builder}'s command with all three of its standard streams on pipes.
     *
     * @param builder the command, directory and environment; its redirects are left as they were
     * @return the started child and this side's ends of its pipes
     * @throws NullPointerException          if {@code builder} is null
     * @throws IllegalArgumentException      if {@code builder.redirectErrorStream()} is true
     *                                       (ask for {@link Stdio#STDIN} and {@link Stdio#STDOUT})
     * @throws UnsupportedOperationException on Windows, or where the OS has no descriptor path
     * @throws IOException                   if a pipe cannot be opened or the child cannot start
     *                                       (then nothing stays open)
     */
    public static ChildPipes start(ProcessBuilder builder) throws IOException {
        return start(builder, EnumSet.allOf(Stdio.class));
    }

    /**
     * Starts {@code builder}'s command with the given standard streams on pipes; the others follow
     * the builder's own redirects (by default the JDK's {@link Process} streams). With
     * {@code builder.redirectErrorStream(true)}, the child's stderr goes wherever its stdout goes,
     * so a {@link Stdio#STDOUT} pipe carries both.
     *
     * @param builder the command, directory and environment; its redirects are left as they were
     * @param first   a stream to put on a pipe
     * @param more    more streams to put on pipes
     * @return the started child and this side's ends of its pipes
     * @throws NullPointerException          if an argument is null
     * @throws IllegalArgumentException      if {@link Stdio#STDERR} is asked for while
     *                                       {@code builder.redirectErrorStream()} is true
     * @throws UnsupportedOperationException on Windows, or where the OS has no descriptor path
     * @throws IOException                   if a pipe cannot be opened or the child cannot start
     *                                       (then nothing stays open)
     */
    public static ChildPipes start(ProcessBuilder builder, Stdio first, Stdio... more) throws IOException {
        Objects.requireNonNull(first, START + ": first is null");
        Objects.requireNonNull(more, START + ": more is null");
        Set<Stdio> streams = EnumSet.of(first);
        for (Stdio s : more) {
            streams.add(Objects.requireNonNull(s, START + ": a stream in more is null"));
        }
        return start(builder, streams);
    }

    private static ChildPipes start(ProcessBuilder builder, Set<Stdio> streams) throws IOException {
        Objects.requireNonNull(builder, START + ": builder is null");
        DescriptorPath paths = DescriptorPath.here();
        paths.checkOs(START);
        if (streams.contains(Stdio.STDERR) && builder.redirectErrorStream()) {
            throw new IllegalArgumentException(START + ": " + builder.command() + " has redirectErrorStream(true),"
                    + " which sends stderr to stdout; ask for STDOUT (it carries both), or turn that off");
        }
        Redirect oldIn = builder.redirectInput();
        Redirect oldOut = builder.redirectOutput();
        Redirect oldErr = builder.redirectError();
        // Every channel opened so far, closed in reverse if the start does not complete.
        List<SelectableChannel> opened = new ArrayList<>(6);
        Process process = null;
        try {
            Pipe in = streams.contains(Stdio.STDIN) ? open(opened) : null;
            Pipe out = streams.contains(Stdio.STDOUT) ? open(opened) : null;
            Pipe err = streams.contains(Stdio.STDERR) ? open(opened) : null;
            // The parent's ends go non-blocking now, so that no failure can come after the start;
            // the child's ends stay blocking, as a program expects its stdio to be.
            if (in != null) {
                in.sink().configureBlocking(false);
                builder.redirectInput(Redirect.from(paths.of(START, ChannelDescriptor.of(in.source())).toFile()));
            }
            if (out != null) {
                out.source().configureBlocking(false);
                // appendTo: no O_TRUNC, which a descriptor path may refuse (and a pipe has nothing to truncate).
                builder.redirectOutput(Redirect.appendTo(paths.of(START, ChannelDescriptor.of(out.sink())).toFile()));
            }
            if (err != null) {
                err.source().configureBlocking(false);
                builder.redirectError(Redirect.appendTo(paths.of(START, ChannelDescriptor.of(err.sink())).toFile()));
            }
            process = builder.start();
            IOException closing = null;
            for (SelectableChannel childEnd : childEnds(in, out, err)) {
                closing = closeInto(childEnd, closing);
            }
            if (closing != null) {
                // Unheard of for a pipe; but the caller would never get hold of this child, and a
                // kept copy of its end would keep its stdout from ever ending.
                throw new IOException(START + ": " + builder.command() + " started as pid " + process.pid()
                        + ", but this process's copy of one of its pipe ends did not close, so it was killed", closing);
            }
            ChildPipes pipes = new ChildPipes(process,
                    in == null ? null : in.sink(),
                    out == null ? null : out.source(),
                    err == null ? null : err.source());
            opened.clear();
            return pipes;
        } finally {
            builder.redirectInput(oldIn).redirectOutput(oldOut).redirectError(oldErr);
            if (!opened.isEmpty()) {
                if (process != null) {
                    process.destroyForcibly();
                }
                Collections.reverse(opened);
                for (SelectableChannel c : opened) {
                    try {
                        c.close();
                    } catch (IOException | RuntimeException e) {
                        // The start's own failure is the one to report; closing a pipe end does not fail in practice.
                    }
                }
            }
        }
    }

    private static Pipe open(List<SelectableChannel> opened) throws IOException {
        Pipe pipe = Pipe.open();
        opened.add(pipe.source());
        opened.add(pipe.sink());
        return pipe;
    }

    private static List<SelectableChannel> childEnds(Pipe in, Pipe out, Pipe err) {
        List<SelectableChannel> ends = new ArrayList<>(3);
        if (in != null) {
            ends.add(in.source());
        }
        if (out != null) {
            ends.add(out.sink());
        }
        if (err != null) {
            ends.add(err.sink());
        }
        return ends;
    }

    private static IOException closeInto(SelectableChannel channel, IOException failure) {
        try {
            channel.close();
            return failure;
        } catch (IOException e) {
            if (failure == null) {
                return e;
            }
            failure.addSuppressed(e);
            return failure;
        }
    }

    /**
     * The child, as the JDK started it: for its exit status, {@code toHandle()} and
     * {@code destroy()}. Its streams that were put on pipes here are the JDK's empty streams.
     *
     * @return the process
     */
    public Process process() {
        return process;
    }

    /**
     * This side of the child's stdin pipe, non-blocking: write to it when a poll says it is
     * writable, and close it to give the child end of stream.
     *
     * @return the channel
     * @throws IllegalStateException if {@link Stdio#STDIN} was not asked for
     */
    public Pipe.SinkChannel stdin() {
        return asked(stdin, Stdio.STDIN);
    }

    /**
     * This side of the child's stdout pipe, non-blocking: read it when a poll says it is readable;
     * a read of -1 means the child closed its stdout, which it does at the latest when it exits.
     *
     * @return the channel
     * @throws IllegalStateException if {@link Stdio#STDOUT} was not asked for
     */
    public Pipe.SourceChannel stdout() {
        return asked(stdout, Stdio.STDOUT);
    }

    /**
     * This side of the child's stderr pipe, non-blocking, as {@link #stdout()}.
     *
     * @return the channel
     * @throws IllegalStateException if {@link Stdio#STDERR} was not asked for
     */
    public Pipe.SourceChannel stderr() {
        return asked(stderr, Stdio.STDERR);
    }

    private <T> T asked(T channel, Stdio which) {
        if (channel == null) {
            throw new IllegalStateException("ChildPipes." + which.name().toLowerCase(java.util.Locale.ROOT)
                    + ": pid " + process.pid() + " was started without " + which + " on a pipe");
        }
        return channel;
    }

    /**
     * Closes this side's pipe ends that are still open (deregister them from any Poll first);
     * idempotent. The child is left running: writing to a closed stdout pipe fails for it
     * ({@code SIGPIPE} or {@code EPIPE}), and a read of a closed stdin pipe ends.
     *
     * @throws IOException if closing a channel fails; the others are closed all the same
     */
    @Override
    public void close() throws IOException {
        IOException failure = null;
        for (SelectableChannel c : new SelectableChannel[]{stdin, stdout, stderr}) {
            if (c != null) {
                failure = closeInto(c, failure);
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    /** Like {@code ChildPipes{pid=4242, STDOUT, STDERR}}. */
    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("ChildPipes{pid=").append(process.pid());
        if (stdin != null) {
            s.append(", STDIN");
        }
        if (stdout != null) {
            s.append(", STDOUT");
        }
        if (stderr != null) {
            s.append(", STDERR");
        }
        return s.append('}').toString();
    }
}

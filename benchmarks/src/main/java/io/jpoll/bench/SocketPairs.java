package io.jpoll.bench;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import io.jpoll.Source;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

/**
 * Connected TCP loopback socket pairs. The {@code near} end of each pair is what gets registered;
 * bytes written into the {@code far} end make it readable.
 */
public final class SocketPairs implements AutoCloseable {
    private static final int ARRIVAL_MILLIS = 5000;
    private final SocketChannel[] near;
    private final SocketChannel[] far;
    private final ByteBuffer one = ByteBuffer.allocateDirect(1);
    /** One {@code struct pollfd} (int fd, short events, short revents) for {@link #awaitArrival}. */
    private final Memory pollfd = new Memory(8);
    private int[] nearFds;

    private SocketPairs(int count) {
        near = new SocketChannel[count];
        far = new SocketChannel[count];
    }

    /** Opens {@code count} pairs, both ends non-blocking. */
    public static SocketPairs open(int count) throws IOException {
        SocketPairs pairs = new SocketPairs(count);
        try (ServerSocketChannel server = ServerSocketChannel.open()) {
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 128);
            for (int i = 0; i < count; i++) {
                pairs.far[i] = SocketChannel.open(server.getLocalAddress());
                pairs.near[i] = server.accept();
                pairs.far[i].configureBlocking(false);
                pairs.near[i].configureBlocking(false);
            }
        } catch (IOException | RuntimeException e) {
            pairs.close();
            throw Limits.explain(e, "opening " + count + " TCP loopback socket pairs");
        }
        return pairs;
    }

    public int size() {
        return near.length;
    }

    public SocketChannel near(int i) {
        return near[i];
    }

    /** Sends one byte into pair {@code i}, so its near end becomes (or again turns) readable. */
    public void poke(int i) throws IOException {
        one.clear();
        if (far[i].write(one) != 1) {
            throw new IllegalStateException("SocketPairs.poke: the send buffer of pair " + i + " is full");
        }
    }

    /**
     * Waits until pair {@code i}'s near end has bytes to read: what {@link #poke} sent may still be
     * in flight when it returns. Outside anything timed; bounded, a lost byte fails.
     */
    public void awaitArrival(int i) throws IOException {
        if (nearFds == null) {
            nearFds = new int[near.length];
            for (int k = 0; k < near.length; k++) {
                nearFds[k] = (int) Source.of(near[k]).handle();
            }
        }
        pollfd.setInt(0, nearFds[i]);
        pollfd.setShort(4, Posix.POLLIN);
        pollfd.setShort(6, (short) 0);
        int n = Posix.poll(Pointer.nativeValue(pollfd), 1, ARRIVAL_MILLIS);
        if (n < 0) {
            throw new IOException("poll(fd " + nearFds[i] + "): errno " + Native.getLastError());
        }
        if (n == 0) {
            throw new IllegalStateException("SocketPairs: a byte sent into pair " + i + " had not arrived after "
                    + ARRIVAL_MILLIS + " ms");
        }
    }

    /** Reads back at most one pending byte from the near end of pair {@code i}; returns how many. */
    public int drainOne(int i) throws IOException {
        one.clear();
        return near[i].read(one);
    }

    @Override
    public void close() throws IOException {
        IOException first = null;
        for (int i = 0; i < near.length; i++) {
            first = Closer.close(near[i], first);
            first = Closer.close(far[i], first);
        }
        pollfd.close();
        if (first != null) {
            throw first;
        }
    }
}

package io.jpoll.iocp;

import java.util.Arrays;

/**
 * A socket's local and peer addresses (the sockaddr bytes of getsockname and getpeername), kept
 * to tell a closed socket from the socket that got its number.
 *
 * <p>Windows gives a process no cheap, side-effect-free way to ask which socket object a handle
 * value names. But a socket keeps its local port from its bind until it closes, and a TCP
 * connection keeps its peer, so when both then and now are known and differ, the number names
 * another socket. Equal or unknown addresses prove nothing: a reused number often gets a socket
 * that looks the same (unbound, or accepted from the same listener and peer), and a datagram
 * socket may connect to another peer. {@link #provesOtherThan} therefore answers only "surely
 * another socket", never "surely the same".
 */
final class SocketAddresses {
    static final SocketAddresses UNKNOWN = new SocketAddresses(null, null);

    static final int AF_INET = 2;
    static final int AF_INET6 = 23;

    private final byte[] local;
    private final byte[] peer;

    /**
     * Keeps the addresses as read.
     *
     * @param local the sockaddr getsockname wrote, or null if it failed
     * @param peer  the sockaddr getpeername wrote, or null if it failed
     */
    SocketAddresses(byte[] local, byte[] peer) {
        this.local = local;
        this.peer = peer;
    }

    /** Whether these addresses, read now, belong to another socket than {@code earlier} did. */
    boolean provesOtherThan(SocketAddresses earlier) {
        int port = port(local);
        int earlierPort = port(earlier.local);
        if (port != 0 && earlierPort != 0 && (port != earlierPort || family(local) != family(earlier.local))) {
            return true;
        }
        return peer != null && earlier.peer != null && !Arrays.equals(peer, earlier.peer);
    }

    /** ADDRESS_FAMILY, a little-endian USHORT at the start of every sockaddr. */
    private static int family(byte[] sockaddr) {
        return (sockaddr[0] & 0xFF) | (sockaddr[1] & 0xFF) << 8;
    }

    /** The port of an IPv4 or IPv6 sockaddr (network order, after the family); 0 for others. */
    private static int port(byte[] sockaddr) {
        if (sockaddr == null || sockaddr.length < 4) {
            return 0;
        }
        int family = family(sockaddr);
        if (family != AF_INET && family != AF_INET6) {
            return 0;
        }
        return (sockaddr[2] & 0xFF) << 8 | (sockaddr[3] & 0xFF);
    }

    @Override
    public String toString() {
        return "local " + Arrays.toString(local) + ", peer " + Arrays.toString(peer);
    }
}

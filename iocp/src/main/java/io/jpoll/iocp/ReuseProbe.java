package io.jpoll.iocp;

import io.jpoll.NativeException;
import io.jpoll.spi.BufferPool;

/**
 * Decides, when a register names a number that is registered already, whether the registered
 * socket is gone: closed without deregister, its number now naming another socket.
 *
 * <p>Windows reuses handle values at once, and AFD tells of a close only by completing a poll
 * that was pending at that moment with LOCAL_CLOSE. So the evidence, in the order it is tried:
 * <ol>
 *   <li>the number's base handle is not the registered one (a socket's base never changes; this
 *       shows only under a layered provider, where the SOCKET and its base are two handles);</li>
 *   <li>no poll of the registration is in the kernel (the OS refused it), so nothing could have
 *       seen a close and nothing vouches that the number still names the registered socket;</li>
 *   <li>the socket's addresses now differ from those it had when registered
 *       ({@link SocketAddresses});</li>
 *   <li>the registration's poll ended with LOCAL_CLOSE: read from its IO_STATUS_BLOCK, and if
 *       that still reads pending, again after taking off the port what it holds now, because
 *       Windows may write the block only when the completion is dequeued.</li>
 * </ol>
 * Anything else counts as the same socket, and the register is refused. That includes a socket
 * whose poll had completed with readiness, its completion not yet dequeued, when it was closed:
 * no poll was pending, so AFD saw no close, and if its successor shows the same addresses (or
 * none) nothing tells them apart.
 */
final class ReuseProbe {
    private final AfdPort port;
    private final Carry carry;
    private final BufferPool<EntryBuffer> buffers;

    ReuseProbe(AfdPort port, Carry carry, BufferPool<EntryBuffer> buffers) {
        this.port = port;
        this.carry = carry;
        this.buffers = buffers;
    }

    /**
     * Looks for evidence that {@code old}'s socket is gone.
     *
     * @param old  the live registration of the number
     * @param base the base handle the number has now
     * @param now  the addresses the number's socket has now
     * @return true if {@code old}'s socket is surely not the one the number names now
     */
    boolean isGone(SocketState old, long base, SocketAddresses now) throws NativeException {
        if (old.baseSocket != base || old.phase() == SocketState.Phase.IDLE || now.provesOtherThan(old.addresses)) {
            return true;
        }
        if (!old.pollEnded()) {
            takeQueued();
        }
        return old.closeReported();
    }

    /** Moves what the port holds now into the carry, without waiting. */
    private void takeQueued() throws NativeException {
        int room = Math.min(carry.room(), EntryBuffer.CAPACITY);
        if (room == 0) {
            return;
        }
        EntryBuffer buffer = buffers.takeOrCreate(EntryBuffer.CREATE);
        try {
            if (port.dequeue(buffer.entries, room, buffer.removed, 0)) {
                carry.add(buffer, buffer.removedCount());
                nudge();
            }
        } finally {
            buffers.giveOrFree(buffer, EntryBuffer.FREE);
        }
    }

    /**
     * A select blocked in the port would not see the records moved into the carry: give it a
     * packet to wake on. If even that fails (the kernel is out of memory), the records wait for
     * the next packet or the next select, which decodes the carry before it waits.
     */
    private void nudge() {
        try {
            port.post(AfdPort.POST_NUDGE, 0);
        } catch (NativeException e) {
            System.getLogger("io.jpoll.iocp").log(System.Logger.Level.WARNING,
                    "iocp: could not wake a waiting poll for records a register took off the port", e);
        }
    }
}

package io.jpoll.iocp;

import com.sun.jna.Pointer;
import io.jpoll.NativeException;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A fake of the AFD driver and one completion port, for driving {@link IocpSelector} on any OS.
 *
 * <p><b>It tests logic only.</b> It behaves the way AFD is documented and observed (by wepoll,
 * mio and the JDK's WEPoll selector) to behave; it cannot show that Windows behaves so, and it
 * checks nothing about calling conventions, handle rights or the real layouts beyond writing and
 * reading the same offsets the selector uses. What it models:
 * <ul>
 *   <li>a poll on a socket that already has some of the asked-for events completes at once
 *       (STATUS_SUCCESS, completion queued); otherwise it pends until {@link #setReady} makes
 *       such an event happen;</li>
 *   <li>a completion writes IO_STATUS_BLOCK.Status = 0, NumberOfHandles = 1 and
 *       Handles[0].Events = the events that happened, masked by the asked-for ones;</li>
 *   <li>a cancel of a pending poll completes it with STATUS_CANCELLED and leaves its Events field
 *       as asked (the selector must not read it); a cancel of anything else returns
 *       STATUS_NOT_FOUND, also a second cancel of the same poll;</li>
 *   <li>{@link #closeSocket} completes the socket's pending polls with LOCAL_CLOSE, and later
 *       polls on it fail with STATUS_INVALID_HANDLE, as a poll on a closed handle does;</li>
 *   <li>posted packets and completions share one FIFO queue that {@link #dequeue} waits on.</li>
 * </ul>
 * It also records protocol violations: a second poll on a block whose poll is pending, a poll
 * on an unknown helper, a poll not set up as AFD expects.
 */
final class FakeAfdPort implements AfdPort {
    /** The fake's base socket of SOCKET {@code h} is {@code h + BASE_OFFSET}. */
    static final long BASE_OFFSET = 1000;
    static final int STATUS_SUCCESS = WinErrors.STATUS_SUCCESS;

    /** One poll in the kernel. */
    static final class Pending {
        final long helper;
        final long iosb;
        final long pollInfo;
        final long base;
        final int mask;

        Pending(long helper, long iosb, long pollInfo, long base, int mask) {
            this.helper = helper;
            this.iosb = iosb;
            this.pollInfo = pollInfo;
            this.base = base;
            this.mask = mask;
        }
    }

    private final LinkedBlockingQueue<long[]> queue = new LinkedBlockingQueue<>();
    private final Map<Long, Integer> ready = new HashMap<>();
    private final Set<Long> closedSockets = new HashSet<>();
    private final Set<Long> notSockets = new HashSet<>();
    private final List<Pending> pending = new ArrayList<>();
    private final Set<Long> helpers = new HashSet<>();
    private final List<String> violations = new ArrayList<>();
    private long nextHelper = 0x7000;
    private int polls;
    private int cancels;
    private int notFound;
    private int helpersOpened;
    private int helpersClosed;
    private int pollsAtHelperClose;
    private boolean portClosed;
    private boolean cancelsComplete = true;
    private int failNextPoll;

    // ---- what tests set up ----

    /** Sets the AFD events that are true of SOCKET {@code socket} now; pending polls that ask for one complete. */
    synchronized void setReady(long socket, int afdEvents) {
        long base = socket + BASE_OFFSET;
        ready.put(base, afdEvents);
        for (Pending p : new ArrayList<>(pending)) {
            if (p.base == base && (p.mask & afdEvents) != 0) {
                complete(p, STATUS_SUCCESS, 1, p.mask & afdEvents);
            }
        }
    }

    /** The socket is closed: pending polls complete with LOCAL_CLOSE, later ones fail. */
    synchronized void closeSocket(long socket) {
        long base = socket + BASE_OFFSET;
        closedSockets.add(base);
        for (Pending p : new ArrayList<>(pending)) {
            if (p.base == base) {
                complete(p, STATUS_SUCCESS, 1, AfdFlags.LOCAL_CLOSE);
            }
        }
    }

    /** A new socket got the number of a closed one. */
    synchronized void reopenSocket(long socket) {
        closedSockets.remove(socket + BASE_OFFSET);
        ready.remove(socket + BASE_OFFSET);
    }

    /** WSAIoctl on this handle fails with WSAENOTSOCK. */
    synchronized void notASocket(long socket) {
        notSockets.add(socket);
    }

    /** The next poll call fails synchronously with {@code status}. */
    synchronized void failNextPoll(int status) {
        failNextPoll = status;
    }

    /** Completes the pending poll on {@code socket} with a raw status and handle count, as a failed or empty poll. */
    synchronized void completeRaw(long socket, int status, int handles, int events) {
        for (Pending p : new ArrayList<>(pending)) {
            if (p.base == socket + BASE_OFFSET) {
                complete(p, status, handles, events);
            }
        }
    }

    /** When false, cancels are accepted but never complete, like a driver that hangs. */
    synchronized void cancelsComplete(boolean complete) {
        cancelsComplete = complete;
    }

    // ---- what tests read ----

    synchronized int polls() {
        return polls;
    }

    synchronized int cancels() {
        return cancels;
    }

    synchronized int cancelsNotFound() {
        return notFound;
    }

    synchronized List<Pending> pending() {
        return new ArrayList<>(pending);
    }

    synchronized Pending pendingFor(long socket) {
        Pending found = null;
        for (Pending p : pending) {
            if (p.base == socket + BASE_OFFSET) {
                if (found != null) {
                    violations.add("two polls pending for socket " + socket);
                }
                found = p;
            }
        }
        return found;
    }

    synchronized int helpersOpened() {
        return helpersOpened;
    }

    synchronized int helpersClosed() {
        return helpersClosed;
    }

    /** Polls still pending when their helper was closed (closing cancels them on Windows). */
    synchronized int pollsAtHelperClose() {
        return pollsAtHelperClose;
    }

    synchronized boolean portClosed() {
        return portClosed;
    }

    synchronized List<String> violations() {
        return new ArrayList<>(violations);
    }

    int queued() {
        return queue.size();
    }

    // ---- AfdPort ----

    @Override
    public synchronized long openHelper() {
        helpersOpened++;
        long h = nextHelper++;
        helpers.add(h);
        return h;
    }

    @Override
    public synchronized void closeHelper(long helper) {
        helpersClosed++;
        for (Pending p : pending) {
            if (p.helper == helper) {
                pollsAtHelperClose++;
            }
        }
        helpers.remove(helper);
    }

    @Override
    public synchronized long baseSocket(long socket) throws NativeException {
        if (notSockets.contains(socket)) {
            throw WinErrors.win32("WSAIoctl(SIO_BASE_HANDLE)", "socket", socket, "(SIO_BSP_HANDLE_POLL failed too)", 10038);
        }
        return socket + BASE_OFFSET;
    }

    @Override
    public synchronized int poll(long helper, long iosb, long pollInfo) {
        polls++;
        if (!helpers.contains(helper)) {
            violations.add("poll on unknown helper " + helper);
        }
        for (Pending p : pending) {
            if (p.iosb == iosb) {
                violations.add("second poll on a block whose poll is pending: " + iosb);
            }
        }
        if (failNextPoll != 0) {
            int status = failNextPoll;
            failNextPoll = 0;
            return status;
        }
        Pointer info = new Pointer(pollInfo);
        if (info.getInt(Layout.POLL_INFO_COUNT) != 1) {
            violations.add("poll with NumberOfHandles " + info.getInt(Layout.POLL_INFO_COUNT));
        }
        if (new Pointer(iosb).getInt(Layout.IOSB_STATUS) != WinErrors.STATUS_PENDING) {
            violations.add("poll whose IO_STATUS_BLOCK was not set to STATUS_PENDING first");
        }
        long base = info.getLong(Layout.POLL_INFO_HANDLES + Layout.HANDLE_INFO_HANDLE);
        int mask = info.getInt(Layout.POLL_INFO_HANDLES + Layout.HANDLE_INFO_EVENTS);
        if (closedSockets.contains(base)) {
            return WinErrors.STATUS_INVALID_HANDLE;
        }
        Pending p = new Pending(helper, iosb, pollInfo, base, mask);
        pending.add(p);
        int now = ready.getOrDefault(base, 0) & mask;
        if (now != 0) {
            complete(p, STATUS_SUCCESS, 1, now);
            return STATUS_SUCCESS;
        }
        return WinErrors.STATUS_PENDING;
    }

    @Override
    public synchronized int cancel(long helper, long iosb, long cancelIosb) {
        cancels++;
        for (Pending p : pending) {
            if (p.iosb == iosb && p.helper == helper) {
                if (cancelsComplete) {
                    Pointer status = new Pointer(iosb);
                    status.setInt(Layout.IOSB_STATUS, WinErrors.STATUS_CANCELLED);
                    pending.remove(p);
                    queue.add(new long[] {0, iosb, WinErrors.STATUS_CANCELLED, 0});
                }
                new Pointer(cancelIosb).setInt(Layout.IOSB_STATUS, STATUS_SUCCESS);
                return STATUS_SUCCESS;
            }
        }
        notFound++;
        return WinErrors.STATUS_NOT_FOUND;
    }

    @Override
    public boolean dequeue(long entries, int max, long removed, int millis) throws NativeException {
        synchronized (this) {
            if (portClosed) {
                throw WinErrors.win32("GetQueuedCompletionStatusEx", "handle", 1, null, 735);
            }
        }
        long[] first;
        try {
            first = millis == -1 ? queue.take()
                    : queue.poll(Integer.toUnsignedLong(millis), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted in the fake's dequeue", e);
        }
        if (first == null) {
            return false;
        }
        List<long[]> got = new ArrayList<>();
        got.add(first);
        queue.drainTo(got, max - 1);
        Pointer out = new Pointer(entries);
        for (int i = 0; i < got.size(); i++) {
            long[] r = got.get(i);
            int at = i * Layout.ENTRY_SIZE;
            out.setLong(at + Layout.ENTRY_KEY, r[0]);
            out.setLong(at + Layout.ENTRY_OVERLAPPED, r[1]);
            out.setLong(at + Layout.ENTRY_INTERNAL, r[2]);
            out.setInt(at + Layout.ENTRY_BYTES, (int) r[3]);
        }
        new Pointer(removed).setInt(0, got.size());
        return true;
    }

    @Override
    public synchronized void post(int bytes, long key) {
        queue.add(new long[] {key, 0, 0, bytes});
    }

    @Override
    public int toWin32(int ntStatus) {
        return 1168;
    }

    @Override
    public synchronized void close() {
        portClosed = true;
    }

    private void complete(Pending p, int status, int handles, int events) {
        pending.remove(p);
        Pointer iosb = new Pointer(p.iosb);
        iosb.setInt(Layout.IOSB_STATUS, status);
        iosb.setLong(Layout.IOSB_INFORMATION, Layout.POLL_INFO_SIZE);
        Pointer info = new Pointer(p.pollInfo);
        info.setInt(Layout.POLL_INFO_COUNT, handles);
        info.setInt(Layout.POLL_INFO_HANDLES + Layout.HANDLE_INFO_EVENTS, events);
        queue.add(new long[] {0, p.iosb, status, Layout.POLL_INFO_SIZE});
    }
}

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
 * A fake of the AFD driver, the process's handle table and one completion port, for driving
 * {@link IocpSelector} on any OS.
 *
 * <p><b>It tests logic only.</b> It behaves the way AFD is documented and observed (by wepoll,
 * mio and the JDK's WEPoll selector) to behave; it cannot show that Windows behaves so, and it
 * checks nothing about calling conventions, handle rights or the real layouts beyond writing and
 * reading the same offsets the selector uses. What it models:
 * <ul>
 *   <li>a SOCKET number names a socket object while it is open; {@link #closeSocket} frees the
 *       number and {@link #openSocket} gives it to a new socket object, as Windows hands a freed
 *       handle value out again. A new socket gets the base handle {@code number + BASE_OFFSET}
 *       unless {@link #openLayered} gives it another, as a layered provider might;</li>
 *   <li>a poll resolves its base handle to a socket object when it starts and watches that object,
 *       not the number: a poll started before a close still watches the closed socket, one started
 *       after a reuse watches the new socket;</li>
 *   <li>a poll on a socket that already has some of the asked-for events completes at once
 *       (STATUS_SUCCESS, completion queued); otherwise it pends until {@link #setReady} makes
 *       such an event happen;</li>
 *   <li>a completion writes IO_STATUS_BLOCK.Status = 0, NumberOfHandles = 1 and
 *       Handles[0].Events = the events that happened, masked by the asked-for ones. With
 *       {@link #writeOnDequeue} the kernel's writes to the IO_STATUS_BLOCK and AFD_POLL_INFO
 *       happen only when the completion is dequeued, the other order Windows may use (see
 *       {@code package-info}); otherwise they happen before the completion is queued;</li>
 *   <li>a cancel of a pending poll completes it with STATUS_CANCELLED and leaves its Events field
 *       as asked (the selector must not read it); a cancel of anything else returns
 *       STATUS_NOT_FOUND, also a second cancel of the same poll;</li>
 *   <li>closing a socket completes its pending polls with LOCAL_CLOSE (queued); closing one with
 *       no poll pending produces nothing at all; a poll on a closed number fails with
 *       STATUS_INVALID_HANDLE and WSAIoctl on it with WSAENOTSOCK;</li>
 *   <li>posted packets and completions share one FIFO queue that {@link #dequeue} waits on.</li>
 * </ul>
 * It also records protocol violations: a second poll on a block whose poll is pending, two polls
 * pending on one socket object at once (AFD then mixes up their events), a poll on an unknown
 * helper, a poll not set up as AFD expects.
 */
final class FakeAfdPort implements AfdPort {
    /** The base handle of a plain (not layered) socket numbered {@code h} is {@code h + BASE_OFFSET}. */
    static final long BASE_OFFSET = 1000;
    static final int STATUS_SUCCESS = WinErrors.STATUS_SUCCESS;

    /** One socket object: what a SOCKET number names while it is open. */
    static final class Socket {
        private static int created;

        final long number;
        final long base;
        /** Tells sockets apart in messages: the n-th socket the fakes created. */
        final int serial = ++created;
        int ready;
        boolean closed;
        /** What getsockname and getpeername return; null: they fail (unbound, unconnected). */
        byte[] local;
        byte[] peer;

        Socket(long number, long base) {
            this.number = number;
            this.base = base;
        }

        /** Bound to 127.0.0.1:{@code port}. */
        Socket bound(int port) {
            local = sockaddrIn(port);
            return this;
        }

        /** Connected to 127.0.0.1:{@code port}. */
        Socket connectedTo(int port) {
            peer = sockaddrIn(port);
            return this;
        }

        /** A sockaddr_in as Windows x64 lays it out: family (LE), port and address (network order), zero. */
        static byte[] sockaddrIn(int port) {
            return new byte[] {SocketAddresses.AF_INET, 0, (byte) (port >> 8), (byte) port, 127, 0, 0, 1,
                0, 0, 0, 0, 0, 0, 0, 0};
        }

        @Override
        public String toString() {
            return "socket #" + serial + " (number " + number + ", base " + base + (closed ? ", closed" : "") + ")";
        }
    }

    /** One poll in the kernel. */
    static final class Pending {
        final long helper;
        final long iosb;
        final long pollInfo;
        final long base;
        final Socket socket;
        final int mask;

        Pending(long helper, long iosb, long pollInfo, long base, Socket socket, int mask) {
            this.helper = helper;
            this.iosb = iosb;
            this.pollInfo = pollInfo;
            this.base = base;
            this.socket = socket;
            this.mask = mask;
        }
    }

    /** One queued completion packet; {@code write} is the kernel's write of its blocks, if deferred. */
    private static final class Packet {
        final long key;
        final long overlapped;
        final int status;
        final int bytes;
        final Runnable write;

        Packet(long key, long overlapped, int status, int bytes, Runnable write) {
            this.key = key;
            this.overlapped = overlapped;
            this.status = status;
            this.bytes = bytes;
            this.write = write;
        }
    }

    private final LinkedBlockingQueue<Packet> queue = new LinkedBlockingQueue<>();
    /** The open sockets by number, and by base handle. */
    private final Map<Long, Socket> byNumber = new HashMap<>();
    private final Map<Long, Socket> byBase = new HashMap<>();
    /** Numbers closed and not given out again. */
    private final Set<Long> closedNumbers = new HashSet<>();
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
    private boolean writeOnDequeue;
    private int failNextPoll;
    private int failPosts;
    /** Guards the hold on blocking dequeues, apart from the fake's own lock. */
    private final Object holdLock = new Object();
    private boolean hold;
    private int held;

    // ---- what tests set up ----

    /**
     * The socket now numbered {@code number}. A number nobody opened or closed names a plain
     * socket from its first use, so that tests need not open every socket.
     */
    synchronized Socket socket(long number) {
        Socket s = byNumber.get(number);
        if (s == null && !closedNumbers.contains(number)) {
            s = add(number, number + BASE_OFFSET);
        }
        return s;
    }

    /** A new plain socket gets {@code number}, which must be free (never used, or closed). */
    synchronized Socket openSocket(long number) {
        return openLayered(number, number + BASE_OFFSET);
    }

    /** A new socket gets {@code number}, with {@code base} as its base provider's handle. */
    synchronized Socket openLayered(long number, long base) {
        if (byNumber.containsKey(number) || byBase.containsKey(base)) {
            throw new IllegalStateException("number " + number + " or base " + base + " is in use");
        }
        closedNumbers.remove(number);
        return add(number, base);
    }

    private Socket add(long number, long base) {
        Socket s = new Socket(number, base);
        byNumber.put(number, s);
        byBase.put(base, s);
        return s;
    }

    /** Sets the AFD events that are true of the socket numbered {@code socket} now; pending polls that ask for one complete. */
    synchronized void setReady(long socket, int afdEvents) {
        Socket s = socket(socket);
        s.ready = afdEvents;
        for (Pending p : new ArrayList<>(pending)) {
            if (p.socket == s && (p.mask & afdEvents) != 0) {
                complete(p, STATUS_SUCCESS, 1, p.mask & afdEvents);
            }
        }
    }

    /**
     * The socket numbered {@code socket} is closed and its number is free: its pending polls
     * complete with LOCAL_CLOSE; with none pending, nothing at all happens.
     */
    synchronized void closeSocket(long socket) {
        Socket s = socket(socket);
        s.closed = true;
        byNumber.remove(s.number);
        byBase.remove(s.base);
        closedNumbers.add(s.number);
        for (Pending p : new ArrayList<>(pending)) {
            if (p.socket == s) {
                complete(p, STATUS_SUCCESS, 1, AfdFlags.LOCAL_CLOSE);
            }
        }
    }

    /** A new plain socket got the number of a closed one. */
    synchronized Socket reopenSocket(long socket) {
        return openSocket(socket);
    }

    /** WSAIoctl on this handle fails with WSAENOTSOCK. */
    synchronized void notASocket(long socket) {
        notSockets.add(socket);
    }

    /** The next poll call fails synchronously with {@code status}. */
    synchronized void failNextPoll(int status) {
        failNextPoll = status;
    }

    /** Every post from now on fails with this Win32 error (0: posts succeed). */
    synchronized void failPosts(int win32Error) {
        failPosts = win32Error;
    }

    /** Completes the pending polls on the socket numbered {@code socket} with a raw status and handle count. */
    synchronized void completeRaw(long socket, int status, int handles, int events) {
        Socket s = socket(socket);
        for (Pending p : new ArrayList<>(pending)) {
            if (p.socket == s) {
                complete(p, status, handles, events);
            }
        }
    }

    /** When false, cancels are accepted but never complete, like a driver that hangs. */
    synchronized void cancelsComplete(boolean complete) {
        cancelsComplete = complete;
    }

    /**
     * When true, a completion's IO_STATUS_BLOCK and AFD_POLL_INFO are written when it is dequeued,
     * not when it is queued: until then the IO_STATUS_BLOCK still reads STATUS_PENDING.
     */
    synchronized void writeOnDequeue(boolean deferred) {
        writeOnDequeue = deferred;
    }

    /**
     * While true, a dequeue that may wait stops before it looks at the queue, as a thread that
     * the scheduler has not run yet; a dequeue that may not wait goes on. Releasing lets them in.
     */
    void holdBlockingDequeues(boolean on) {
        synchronized (holdLock) {
            hold = on;
            holdLock.notifyAll();
        }
    }

    /** Waits, at most 5 s, until {@code n} dequeues are stopped by the hold. */
    void awaitBlockedDequeues(int n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        synchronized (holdLock) {
            while (held < n) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new IllegalStateException(held + " of " + n + " dequeues reached the hold");
                }
                TimeUnit.NANOSECONDS.timedWait(holdLock, left);
            }
        }
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

    /** The poll pending on the socket now numbered {@code socket}, or null. */
    synchronized Pending pendingFor(long socket) {
        Socket s = byNumber.get(socket);
        return s == null ? null : pendingOn(s);
    }

    /** The poll pending on this socket object, or null. */
    synchronized Pending pendingOn(Socket s) {
        Pending found = null;
        for (Pending p : pending) {
            if (p.socket == s) {
                if (found != null) {
                    violations.add("two polls pending on " + s);
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
        Socket s = notSockets.contains(socket) ? null : socket(socket);
        if (s == null) {
            throw WinErrors.error("WSAIoctl(SIO_BASE_HANDLE)", "socket", socket, null, WinErrors.WSAENOTSOCK);
        }
        return s.base;
    }

    @Override
    public synchronized SocketAddresses addresses(long socket) {
        Socket s = notSockets.contains(socket) ? null : socket(socket);
        return s == null ? SocketAddresses.UNKNOWN : new SocketAddresses(s.local, s.peer);
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
        Socket s = byBase.get(base);
        if (s == null) {
            return WinErrors.STATUS_INVALID_HANDLE;
        }
        for (Pending p : pending) {
            if (p.socket == s) {
                violations.add("two polls pending on " + s + " (AFD confuses their events)");
            }
        }
        Pending p = new Pending(helper, iosb, pollInfo, base, s, mask);
        pending.add(p);
        int now = s.ready & mask;
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
                    pending.remove(p);
                    Runnable write = () -> new Pointer(iosb).setInt(Layout.IOSB_STATUS, WinErrors.STATUS_CANCELLED);
                    enqueue(iosb, WinErrors.STATUS_CANCELLED, 0, write);
                }
                new Pointer(cancelIosb).setInt(Layout.IOSB_STATUS, STATUS_SUCCESS);
                return STATUS_SUCCESS;
            }
        }
        notFound++;
        return WinErrors.STATUS_NOT_FOUND;
    }

    /** The DWORD timeout of the latest dequeue, as the selector passed it. */
    volatile int lastDequeueMillis;

    @Override
    public boolean dequeue(long entries, int max, long removed, int millis) throws NativeException {
        lastDequeueMillis = millis;
        synchronized (this) {
            if (portClosed) {
                throw WinErrors.error("GetQueuedCompletionStatusEx", "handle", 1, null, 735);
            }
        }
        Packet first;
        try {
            if (millis != 0) {
                synchronized (holdLock) {
                    held++;
                    holdLock.notifyAll();
                    while (hold) {
                        holdLock.wait();
                    }
                    held--;
                }
            }
            first = millis == -1 ? queue.take()
                    : queue.poll(Integer.toUnsignedLong(millis), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted in the fake's dequeue", e);
        }
        if (first == null) {
            return false;
        }
        List<Packet> got = new ArrayList<>();
        got.add(first);
        queue.drainTo(got, max - 1);
        Pointer out = new Pointer(entries);
        for (int i = 0; i < got.size(); i++) {
            Packet r = got.get(i);
            if (r.write != null) {
                r.write.run();
            }
            int at = i * Layout.ENTRY_SIZE;
            out.setLong(at + Layout.ENTRY_KEY, r.key);
            out.setLong(at + Layout.ENTRY_OVERLAPPED, r.overlapped);
            out.setLong(at + Layout.ENTRY_INTERNAL, r.status);
            out.setInt(at + Layout.ENTRY_BYTES, r.bytes);
        }
        new Pointer(removed).setInt(0, got.size());
        return true;
    }

    @Override
    public synchronized void post(int bytes, long key) throws NativeException {
        if (failPosts != 0) {
            throw WinErrors.error("PostQueuedCompletionStatus", "handle", 1, null, failPosts);
        }
        queue.add(new Packet(key, 0, 0, bytes, null));
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
        Runnable write = () -> {
            Pointer iosb = new Pointer(p.iosb);
            Pointer info = new Pointer(p.pollInfo);
            info.setInt(Layout.POLL_INFO_COUNT, handles);
            info.setInt(Layout.POLL_INFO_HANDLES + Layout.HANDLE_INFO_EVENTS, events);
            iosb.setLong(Layout.IOSB_INFORMATION, Layout.POLL_INFO_SIZE);
            iosb.setInt(Layout.IOSB_STATUS, status);
        };
        enqueue(p.iosb, status, Layout.POLL_INFO_SIZE, write);
    }

    /** Queues a completion; the kernel writes its blocks now, or when it is dequeued. */
    private void enqueue(long iosb, int status, int bytes, Runnable write) {
        if (writeOnDequeue) {
            queue.add(new Packet(0, iosb, status, bytes, write));
        } else {
            write.run();
            queue.add(new Packet(0, iosb, status, bytes, null));
        }
    }
}

package io.jpoll.iocp;

import io.jpoll.AlreadyRegisteredException;
import io.jpoll.Interests;
import io.jpoll.NativeException;
import io.jpoll.NotRegisteredException;
import io.jpoll.spi.EventSink;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The timers and process watches of one selector: kernel objects whose signal a wait completion
 * packet turns into a packet on the selector's completion port.
 *
 * <p><b>Keys, and why nothing stale is reported.</b> Every association gets a key never used
 * before in this selector, and only the keys of current associations are in {@link #armed}. A
 * set, cancel, reregister or deregister forgets the old key before it touches the kernel, so a
 * packet of the earlier setting that is still queued, that another thread has dequeued and not
 * yet decoded, or that a register's probe put aside (see {@code Carry}), finds nothing when it is
 * decoded and yields no event. The kernel is also asked to take a queued packet back
 * (NtCancelWaitCompletionPacket with RemoveSignaledPacket), which keeps the port short but is not
 * what correctness rests on.
 *
 * <p>Not thread-safe by itself: everything runs under the selector's {@link #lock}, which the
 * selector also holds while it decodes.
 */
final class Waits {
    static final String OP_CREATE_PACKET = "NtCreateWaitCompletionPacket";
    static final String OP_ASSOCIATE = "NtAssociateWaitCompletionPacket";
    static final String OP_CANCEL_PACKET = "NtCancelWaitCompletionPacket";
    static final String OP_OPEN_PROCESS = "OpenProcess(SYNCHRONIZE | PROCESS_QUERY_LIMITED_INFORMATION)";
    static final String OP_POST = "PostQueuedCompletionStatus";

    /**
     * What a key of {@link #armed} leads to. Its {@code toString()} names it and its token for
     * messages ({@code timer token=5}), and is only called when something failed.
     */
    interface Signalled {
        /**
         * Its packet was dequeued. Adds at most one event: the caller dequeued no more records
         * than the sink has room for.
         */
        void signalled(EventSink sink);
    }

    final WaitPort os;
    final Object lock;
    private final AfdPort port;
    private final LongMap<Signalled> armed = new LongMap<>();
    private final Map<Long, ProcessWatch> processes = new HashMap<>();
    /** Timers not closed yet, so that the selector's close releases whatever is left. */
    private final Set<IocpTimer> timers = new LinkedHashSet<>();
    private long lastKey;
    private boolean closed;

    Waits(AfdPort port, Object lock) {
        this.port = port;
        this.os = port.waits();
        this.lock = lock;
    }

    // ---- timers ----

    IocpTimer newTimer(long token) throws NativeException {
        synchronized (lock) {
            checkAvailable("Poll.timer token=" + token);
            long timer = os.createTimer();
            if (timer == 0) {
                throw WinErrors.error("CreateWaitableTimerExW", null, 0, "timer token=" + token, os.lastError());
            }
            long packet = os.createPacket();
            if (packet == 0) {
                int status = os.lastError();
                os.closeHandle(timer);
                throw WinErrors.error(OP_CREATE_PACKET, null, 0, "timer token=" + token, status);
            }
            IocpTimer t = new IocpTimer(this, token, timer, packet);
            timers.add(t);
            return t;
        }
    }

    /** A timer closed itself; its handles are closed already. */
    void closed(IocpTimer t) {
        timers.remove(t);
    }

    // ---- processes ----

    void registerProcess(ProcessHandle process, long token, Interests interests) throws java.io.IOException {
        synchronized (lock) {
            long pid = process.pid();
            checkAvailable("Registry.register process " + pid + " token=" + token);
            ProcessWatch old = processes.get(pid);
            if (old != null) {
                throw new AlreadyRegisteredException("Registry.register", "pid", pid, token,
                        "token=" + old.token());
            }
            ProcessWatch w = new ProcessWatch(this, pid, token, interests, open(process, token));
            try {
                w.arm();
            } catch (NativeException e) {
                w.release();
                throw e;
            }
            processes.put(pid, w);
        }
    }

    /**
     * A handle that is known to be {@code process}'s, or 0 when it has exited. The handle is opened
     * first and the process asked afterwards: while the handle is open the pid cannot go to another
     * process, and {@link ProcessHandle#isAlive()} compares the start time the JDK recorded, so a
     * process found alive after the open is the one the handle names. If it is gone, the handle
     * may be of a newer process that took its pid, and is closed unused.
     */
    private long open(ProcessHandle process, long token) throws NativeException {
        long pid = process.pid();
        if (pid < 0 || pid > 0xFFFFFFFFL) {
            return 0; // no Windows process has such an id
        }
        long handle = os.openProcess(pid);
        if (handle == 0) {
            int error = os.lastError();
            // No process has this id any more: it exited. But OpenProcess says the same of the
            // System Idle Process (pid 0), which is alive: only the JDK can tell them apart.
            if (error == WindowsWaitPort.ERROR_INVALID_PARAMETER && !process.isAlive()) {
                return 0;
            }
            throw WinErrors.error(OP_OPEN_PROCESS, "pid", pid, "token=" + token, error);
        }
        if (!process.isAlive()) {
            os.closeHandle(handle);
            return 0;
        }
        return handle;
    }

    void reregisterProcess(ProcessHandle process, long token, Interests interests) throws java.io.IOException {
        synchronized (lock) {
            ProcessWatch w = processes.get(process.pid());
            if (w == null) {
                throw new NotRegisteredException("Registry.reregister", "pid", process.pid(), token, null);
            }
            w.rearm(token, interests);
        }
    }

    void deregisterProcess(ProcessHandle process) throws NotRegisteredException {
        synchronized (lock) {
            ProcessWatch w = processes.remove(process.pid());
            if (w == null) {
                throw new NotRegisteredException("Registry.deregister", "pid", process.pid(), null);
            }
            w.release();
        }
    }

    // ---- what both use ----

    private void checkAvailable(String operation) {
        String reason = os.unavailable();
        if (reason != null) {
            throw new UnsupportedOperationException(operation + ": " + reason);
        }
    }

    /** A new key, never used before in this selector, leading to {@code s}. */
    long key(Signalled s) {
        long key = ++lastKey;
        armed.put(key, s);
        return key;
    }

    /** Forgets a key (0: none): a packet that still carries it yields nothing. */
    void forget(long key) {
        if (key != 0) {
            armed.remove(key);
        }
    }

    /**
     * Ends the association of {@code packet}, whose key the caller forgot already, and returns the
     * packet object to associate next: the same one, or a new one when the old one may still
     * deliver (STATUS_PENDING) and so cannot be associated again; the old one is then closed,
     * which the kernel allows with its packet in flight (the queue holds its own reference).
     *
     * @param owner names the owner and its token, for messages
     */
    long release(long packet, Signalled owner) throws NativeException {
        int status = os.cancelPacket(packet);
        if (status == WinErrors.STATUS_SUCCESS || status == WinErrors.STATUS_CANCELLED) {
            return packet;
        }
        if (status != WinErrors.STATUS_PENDING) {
            throw WinErrors.error(OP_CANCEL_PACKET, "handle", packet, owner.toString(), status);
        }
        long fresh = createPacket(owner);
        os.closeHandle(packet);
        return fresh;
    }

    long createPacket(Signalled owner) throws NativeException {
        long packet = os.createPacket();
        if (packet == 0) {
            throw WinErrors.error(OP_CREATE_PACKET, null, 0, owner.toString(), os.lastError());
        }
        return packet;
    }

    /** Associates {@code packet} with {@code object} under {@code key}; 0 or the NTSTATUS. */
    int associate(long packet, long object, long key) {
        return os.associate(packet, object, key);
    }

    NativeException associateFailed(long packet, Signalled owner, int status) {
        return WinErrors.error(OP_ASSOCIATE, "handle", packet, owner.toString(), status);
    }

    /** Queues the packet of {@code key} by hand: a process that had exited before it was watched. */
    void post(long key) throws NativeException {
        port.post(AfdPort.POST_SIGNAL, key);
    }

    /** The packet of {@code key} was dequeued (under the lock, by the selector's decode). */
    void signalled(long key, EventSink sink) {
        Signalled s = armed.get(key);
        if (s != null) {
            s.signalled(sink);
        }
    }

    boolean isClosed() {
        return closed;
    }

    /**
     * At the selector's close: every timer not closed yet and every process watch releases its
     * handles, each exactly once, then the port's own memory goes.
     */
    void close() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            List<IocpTimer> left = new ArrayList<>(timers);
            for (IocpTimer t : left) {
                t.close();
            }
            timers.clear();
            for (ProcessWatch w : processes.values()) {
                w.release();
            }
            processes.clear();
            closed = true;
            os.close();
        }
    }

    /** For tests: keys that would yield an event. */
    int armedCount() {
        synchronized (lock) {
            return armed.size();
        }
    }
}

package io.jpoll.iocp;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

/**
 * A fake of waitable timers, processes and wait completion packets, tied to a {@link FakeAfdPort}'s
 * queue, with a clock that only tests move.
 *
 * <p><b>It tests logic only</b>, like the AFD fake. What it models, from the Windows documentation
 * of these calls and from how the Go runtime and others use them:
 * <ul>
 *   <li>a timer is a synchronization timer: SetWaitableTimer clears its signalled state and arms it
 *       for one due time (the relative delay rounded up to 100 ns); when {@link #advance} passes the
 *       due time it becomes signalled, and one satisfied wait (a packet's) clears it again;
 *       CancelWaitableTimer disarms it and leaves the signalled state alone;</li>
 *   <li>a process object is signalled from its exit on, for good; {@link #reap} frees its pid (as
 *       the last handle's close does on Windows) and {@link #spawn} may give the pid to a new
 *       process; OpenProcess of a free pid fails with ERROR_INVALID_PARAMETER;</li>
 *   <li>an associated packet queues one record (key, no OVERLAPPED, bytes POST_SIGNAL) when its
 *       object is signalled, at once if it already is, and is then no longer associated;
 *       associating a packet that is associated, or whose record is still queued, is refused
 *       (STATUS_INVALID_PARAMETER) and recorded as a violation;</li>
 *   <li>cancelling undoes an association (STATUS_SUCCESS), takes a queued record back
 *       (STATUS_SUCCESS; or, after {@link #pendNextCancel}, leaves it queued and says
 *       STATUS_PENDING), and otherwise says STATUS_CANCELLED;</li>
 *   <li>every handle is counted; closing one that is not open is a violation.</li>
 * </ul>
 */
final class FakeWaitPort implements WaitPort {
    static final int STATUS_INVALID_PARAMETER = 0xC000000D;
    static final int ERROR_ACCESS_DENIED = 5;

    /** A kernel object behind a handle. */
    abstract static class Obj {
        abstract boolean signalled();
    }

    static final class Timer extends Obj {
        boolean armed;
        long dueAt;
        boolean signalled;

        @Override
        boolean signalled() {
            return signalled;
        }
    }

    /** A process object; what a pid names while the process exists. */
    static final class Proc extends Obj {
        final long pid;
        boolean exited;

        Proc(long pid) {
            this.pid = pid;
        }

        @Override
        boolean signalled() {
            return exited;
        }
    }

    static final class Packet extends Obj {
        /** The object it waits on while associated, else null. */
        Obj target;
        long key;
        /** Its record in the port's queue, or null. */
        Object queued;

        @Override
        boolean signalled() {
            return false;
        }
    }

    private final FakeAfdPort afd;
    private final Map<Long, Obj> open = new HashMap<>();
    private final Map<Long, Proc> byPid = new HashMap<>();
    private final List<String> violations = new ArrayList<>();
    private long nextHandle = 0x9000;
    private long now = 5_000_000_000L;
    private int lastError;
    private int opened;
    private int closed;
    private int associations;
    private int processOpens;
    private String unavailable;
    private int failSetTimer;
    private int failCreateTimer;
    private int failAssociate;
    private int failOpenProcess;
    private boolean pendNextCancel;
    /** Pids that OpenProcess refuses with ERROR_INVALID_PARAMETER although alive, as the idle process. */
    private final java.util.Set<Long> unopenable = new java.util.HashSet<>();
    private boolean closedPort;

    FakeWaitPort(FakeAfdPort afd) {
        this.afd = afd;
    }

    // ---- what tests do ----

    /** Moves the clock on; timers whose due time has come fire. */
    synchronized void advance(long nanos) {
        now += nanos;
        for (Obj o : new ArrayList<>(open.values())) {
            if (o instanceof Timer && ((Timer) o).armed && ((Timer) o).dueAt - now <= 0) {
                fire((Timer) o);
            }
        }
    }

    /** The kernel fires the timer now, before its due time by this clock. */
    synchronized void fireEarly(long timerHandle) {
        fire((Timer) open.get(timerHandle));
    }

    synchronized Proc spawn(long pid) {
        if (byPid.containsKey(pid)) {
            throw new IllegalStateException("pid " + pid + " is in use");
        }
        Proc p = new Proc(pid);
        byPid.put(pid, p);
        return p;
    }

    /** The process exits: its object is signalled for good, and every packet waiting on it queues. */
    synchronized void exit(long pid) {
        Proc p = byPid.get(pid);
        p.exited = true;
        satisfy(p);
    }

    /** The exited process's pid is free for another process. */
    synchronized void reap(long pid) {
        Proc p = byPid.remove(pid);
        if (p == null || !p.exited) {
            throw new IllegalStateException("pid " + pid + " has no exited process");
        }
    }

    /** OpenProcess of {@code pid} fails with ERROR_INVALID_PARAMETER while it is alive (pid 0 on Windows). */
    synchronized void unopenable(long pid) {
        unopenable.add(pid);
    }

    synchronized void unavailable(String reason) {
        unavailable = reason;
    }

    synchronized void failSetTimer(int win32Error) {
        failSetTimer = win32Error;
    }

    synchronized void failCreateTimer(int win32Error) {
        failCreateTimer = win32Error;
    }

    synchronized void failAssociate(int ntStatus) {
        failAssociate = ntStatus;
    }

    synchronized void failOpenProcess(int win32Error) {
        failOpenProcess = win32Error;
    }

    /** The next cancel of a packet whose record is queued says STATUS_PENDING and leaves it queued. */
    synchronized void pendNextCancel() {
        pendNextCancel = true;
    }

    // ---- what tests read ----

    synchronized int openHandles() {
        return open.size();
    }

    synchronized int opened() {
        return opened;
    }

    synchronized int closed() {
        return closed;
    }

    synchronized int associations() {
        return associations;
    }

    synchronized int processOpens() {
        return processOpens;
    }

    synchronized boolean isOpen(long handle) {
        return open.containsKey(handle);
    }

    synchronized boolean portClosed() {
        return closedPort;
    }

    synchronized List<String> violations() {
        return new ArrayList<>(violations);
    }

    synchronized long now() {
        return now;
    }

    /** A ProcessHandle for the process now at {@code pid}, as the JDK's: alive while that very process is. */
    synchronized ProcessHandle handleOf(long pid) {
        return new FakeProcessHandle(byPid.get(pid));
    }

    // ---- WaitPort ----

    @Override
    public synchronized String unavailable() {
        return unavailable;
    }

    @Override
    public synchronized long createTimer() {
        if (failCreateTimer != 0) {
            lastError = failCreateTimer;
            return 0;
        }
        return add(new Timer());
    }

    @Override
    public synchronized int setTimer(long timer, long relativeNanos) {
        Timer t = get(timer, Timer.class, "SetWaitableTimer");
        if (t == null) {
            return WinErrors.ERROR_INVALID_HANDLE;
        }
        if (failSetTimer != 0) {
            return failSetTimer;
        }
        t.signalled = false;
        t.armed = true;
        t.dueAt = now + -WindowsWaitPort.dueTime(relativeNanos) * 100;
        return 0;
    }

    @Override
    public synchronized int cancelTimer(long timer) {
        Timer t = get(timer, Timer.class, "CancelWaitableTimer");
        if (t == null) {
            return WinErrors.ERROR_INVALID_HANDLE;
        }
        t.armed = false;
        return 0;
    }

    @Override
    public synchronized long createPacket() {
        return add(new Packet());
    }

    @Override
    public synchronized int associate(long packet, long object, long key) {
        Packet p = get(packet, Packet.class, "NtAssociateWaitCompletionPacket(packet)");
        Obj target = get(object, Obj.class, "NtAssociateWaitCompletionPacket(target)");
        if (p == null || target == null) {
            return WinErrors.STATUS_INVALID_HANDLE;
        }
        if (failAssociate != 0) {
            return failAssociate;
        }
        if (p.target != null || (p.queued != null && afd.isQueued(p.queued))) {
            violations.add("associate of packet " + packet + " while it is in use");
            return STATUS_INVALID_PARAMETER;
        }
        associations++;
        p.target = target;
        p.key = key;
        p.queued = null;
        if (target.signalled()) {
            complete(p, target);
        }
        return WinErrors.STATUS_SUCCESS;
    }

    @Override
    public synchronized int cancelPacket(long packet) {
        Packet p = get(packet, Packet.class, "NtCancelWaitCompletionPacket");
        if (p == null) {
            return WinErrors.STATUS_INVALID_HANDLE;
        }
        if (p.target != null) {
            p.target = null;
            return WinErrors.STATUS_SUCCESS;
        }
        if (p.queued != null && afd.isQueued(p.queued)) {
            if (pendNextCancel) {
                pendNextCancel = false;
                return WinErrors.STATUS_PENDING;
            }
            afd.unqueue(p.queued);
            p.queued = null;
            return WinErrors.STATUS_SUCCESS;
        }
        return WinErrors.STATUS_CANCELLED;
    }

    @Override
    public synchronized long openProcess(long pid) {
        processOpens++;
        if (failOpenProcess != 0) {
            lastError = failOpenProcess;
            return 0;
        }
        Proc p = byPid.get(pid);
        if (p == null || unopenable.contains(pid)) {
            lastError = WindowsWaitPort.ERROR_INVALID_PARAMETER;
            return 0;
        }
        return add(p);
    }

    @Override
    public synchronized void closeHandle(long handle) {
        Obj o = open.remove(handle);
        if (o == null) {
            violations.add("CloseHandle of " + handle + ", which is not open");
            return;
        }
        closed++;
        if (o instanceof Packet) {
            ((Packet) o).target = null; // closing the packet ends its association
        }
    }

    @Override
    public synchronized int lastError() {
        return lastError;
    }

    @Override
    public synchronized long nanoTime() {
        return now;
    }

    @Override
    public synchronized void close() {
        if (closedPort) {
            violations.add("WaitPort closed twice");
        }
        if (!open.isEmpty()) {
            violations.add("WaitPort closed with " + open.size() + " handles open");
        }
        closedPort = true;
    }

    // ---- inside ----

    private long add(Obj o) {
        long h = nextHandle;
        nextHandle += 4;
        open.put(h, o);
        opened++;
        return h;
    }

    private <T extends Obj> T get(long handle, Class<T> type, String call) {
        Obj o = open.get(handle);
        if (!type.isInstance(o)) {
            violations.add(call + " on handle " + handle + ", which is " + (o == null ? "not open" : "a " + o.getClass().getSimpleName()));
            return null;
        }
        return type.cast(o);
    }

    private void fire(Timer t) {
        t.armed = false;
        t.signalled = true;
        satisfy(t);
    }

    /** Queues the packets waiting on {@code o}; a timer's signal is used up by the first. */
    private void satisfy(Obj o) {
        for (Obj each : new ArrayList<>(open.values())) {
            if (each instanceof Packet && ((Packet) each).target == o) {
                complete((Packet) each, o);
                if (o instanceof Timer) {
                    return;
                }
            }
        }
    }

    private void complete(Packet p, Obj target) {
        p.target = null;
        p.queued = afd.queueSignal(p.key, WinErrors.STATUS_SUCCESS, AfdPort.POST_SIGNAL);
        if (target instanceof Timer) {
            ((Timer) target).signalled = false;
        }
    }

    /** What the JDK's ProcessHandle answers, for the parts jpoll uses: pid and isAlive. */
    private final class FakeProcessHandle implements ProcessHandle {
        private final Proc proc;

        FakeProcessHandle(Proc proc) {
            this.proc = proc;
        }

        @Override
        public long pid() {
            return proc.pid;
        }

        @Override
        public boolean isAlive() {
            synchronized (FakeWaitPort.this) {
                return !proc.exited;
            }
        }

        @Override
        public Optional<ProcessHandle> parent() {
            return Optional.empty();
        }

        @Override
        public Stream<ProcessHandle> children() {
            return Stream.empty();
        }

        @Override
        public Stream<ProcessHandle> descendants() {
            return Stream.empty();
        }

        @Override
        public Info info() {
            throw new UnsupportedOperationException("not part of the fake");
        }

        @Override
        public CompletableFuture<ProcessHandle> onExit() {
            throw new UnsupportedOperationException("not part of the fake");
        }

        @Override
        public boolean supportsNormalTermination() {
            return false;
        }

        @Override
        public boolean destroy() {
            return false;
        }

        @Override
        public boolean destroyForcibly() {
            return false;
        }

        @Override
        public int compareTo(ProcessHandle other) {
            return Long.compare(pid(), other.pid());
        }

        @Override
        public String toString() {
            return "fake process " + proc.pid;
        }
    }
}

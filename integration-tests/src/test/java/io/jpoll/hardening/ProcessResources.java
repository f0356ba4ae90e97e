package io.jpoll.hardening;

import com.sun.jna.Memory;
import org.opentest4j.AssertionFailedError;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * What this process holds: open descriptors, resident memory, C heap in use, live JNA
 * {@link Memory} blocks. The descriptor and memory figures come from Linux's /proc and glibc;
 * elsewhere they are -1 and the callers skip those checks.
 */
final class ProcessResources {
    private static final Path FD_DIR = Paths.get("/proc/self/fd");
    private static final Path STATUS = Paths.get("/proc/self/status");

    static {
        // The first mallinfo2() call makes JNA build and cache the struct's type description in
        // Memory blocks it keeps for good; make that happen before any baseline is taken.
        mallocInUse();
        fdTargets(); // and let whatever the JDK opens lazily for listing /proc be open already
        // The JDK's NIO keeps one end of a socketpair open for good (the descriptor it dup2()s over
        // channels closed asynchronously), made the first time NIO is used: by now, not mid-test.
        try {
            java.nio.channels.Pipe p = java.nio.channels.Pipe.open();
            p.source().close();
            p.sink().close();
            java.nio.channels.SocketChannel.open().close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private ProcessResources() {
    }

    static boolean canCountFds() {
        return Files.isDirectory(FD_DIR);
    }

    /** Open descriptors, or -1 without /proc. The directory stream's own fd is among them, always. */
    static int openFds() {
        if (!canCountFds()) {
            return -1;
        }
        try (Stream<Path> s = Files.list(FD_DIR)) {
            return (int) s.count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Each open descriptor and what it refers to (its /proc/self/fd link), leaving out the kinds
     * that are open only for a moment, so that two listings differ only where the process's
     * lasting descriptors do:
     * <ul>
     *   <li>Files under /proc and /sys/fs/cgroup. HotSpot reads its container limits from the
     *       cgroup files on the VM thread and the JIT compiler threads, several times a second
     *       (memory.limit_in_bytes and memory.stat, cpu.cfs_quota_us and cpu.cfs_period_us under
     *       cgroup v1), and the JDK, Surefire and these helpers read /proc files; each is open for
     *       microseconds, longer when its thread is preempted, and takes the lowest free number.
     *       jpoll never opens such a file, and one that is open in one listing and not the next
     *       tells nothing either way: a double close would take it out of the second listing, and so
     *       does its own reader. The listing's own directory stream is one of these.</li>
     *   <li>Under qemu-user, its stand-ins for the /proc files it emulates: it answers an open of
     *       /proc/self/stat and the like with a memfd named {@code qemu-open}, so the same
     *       momentary reads show up under that name.</li>
     *   <li>Descriptors that closed between being listed and being read ({@code readlink} finds
     *       none): not open once the listing is done.</li>
     * </ul>
     * A listing that caught one of HotSpot's reads is how CloseRaceTest once saw "fd 26" open
     * before its rounds and gone after: 26 is the lowest free number in that test's JVM, and strace
     * shows HotSpot's threads opening their cgroup files there dozens of times per run.
     */
    static Map<Integer, String> fdTargets() {
        Map<Integer, String> map = new TreeMap<>();
        if (!canCountFds()) {
            return map;
        }
        try (Stream<Path> s = Files.list(FD_DIR)) {
            s.forEach(p -> {
                String target;
                try {
                    target = Files.readSymbolicLink(p).toString();
                } catch (NoSuchFileException closedSinceListed) {
                    return;
                } catch (IOException e) {
                    target = "? (" + e + ")";
                }
                if (!isJvmOwnMomentaryRead(target)) {
                    map.put(Integer.parseInt(p.getFileName().toString()), target);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return map;
    }

    private static boolean isJvmOwnMomentaryRead(String target) {
        return target.startsWith("/proc/") || target.startsWith("/sys/fs/cgroup/")
                || target.startsWith("/memfd:qemu-open");
    }

    /** What the open descriptors are, grouped by kind with counts: {@code anon_inode:[eventfd] x3, pipe x2}. */
    static String fdSummary() {
        Map<String, Integer> kinds = new TreeMap<>();
        for (String target : fdTargets().values()) {
            kinds.merge(target.replaceAll(":\\[[0-9]+\\]$", ""), 1, Integer::sum);
        }
        StringBuilder sb = new StringBuilder();
        kinds.forEach((k, n) -> sb.append(sb.length() > 0 ? ", " : "").append(k).append(" x").append(n));
        return sb.toString();
    }

    /**
     * Every descriptor that differs between two {@link #fdTargets()} listings, each with its target:
     * {@code vanished fd 26 /dev/urandom}, {@code appeared fd 33 anon_inode:[eventfd]},
     * {@code changed fd 7 pipe:[1] -> pipe:[2]} (the number now names another file). Sockets that
     * appeared carry their /proc/net line, which tells a TCP from a Unix socket and who listens.
     * Empty when nothing differs.
     */
    static String fdChanges(Map<Integer, String> before, Map<Integer, String> after) {
        StringBuilder sb = new StringBuilder();
        TreeSet<Integer> numbers = new TreeSet<>(before.keySet());
        numbers.addAll(after.keySet());
        for (int fd : numbers) {
            String was = before.get(fd);
            String is = after.get(fd);
            if (was != null && was.equals(is)) {
                continue;
            }
            sb.append(sb.length() > 0 ? "; " : "");
            if (is == null) {
                sb.append("vanished fd ").append(fd).append(' ').append(was);
            } else if (was == null) {
                sb.append("appeared fd ").append(fd).append(' ').append(described(is));
            } else {
                sb.append("changed fd ").append(fd).append(' ').append(was).append(" -> ").append(described(is));
            }
        }
        return sb.toString();
    }

    /**
     * Fails, naming every descriptor that appeared, vanished or now names another file, unless the
     * two listings agree. A vanished descriptor that the code under test did not own is a double
     * close; an appeared one is a leak. No check without /proc.
     */
    static void assertSameFds(Map<Integer, String> before, Map<Integer, String> after, Supplier<String> what) {
        if (!canCountFds()) {
            return;
        }
        String changes = fdChanges(before, after);
        if (!changes.isEmpty()) {
            throw new AssertionFailedError(what.get() + ": open descriptors " + before.size() + " -> " + after.size()
                    + ", " + changes);
        }
    }

    private static String described(String target) {
        return target.startsWith("socket:[") ? target + " (" + socketInfo(target) + ")" : target;
    }

    private static String socketInfo(String target) {
        String inode = target.substring("socket:[".length(), target.length() - 1);
        for (String table : new String[]{"tcp", "tcp6", "udp", "udp6", "unix"}) {
            try {
                for (String line : Files.readAllLines(Paths.get("/proc/net/" + table))) {
                    if (line.matches(".*\\s" + inode + "(\\s.*)?$")) {
                        return table + ": " + line.trim();
                    }
                }
            } catch (IOException | RuntimeException e) {
                // table missing in this kernel or namespace
            }
        }
        return "(in no /proc/net table)";
    }

    /** Resident set size in KiB (VmRSS), or -1 without /proc. */
    static long rssKiB() {
        if (!Files.isReadable(STATUS)) {
            return -1;
        }
        try {
            for (String line : Files.readAllLines(STATUS)) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
            return -1;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Bytes glibc's malloc has handed out and not got back (small blocks plus mmapped ones), or -1. */
    static long mallocInUse() {
        if (!LinuxC.SUPPORTED || LinuxC.Malloc.INSTANCE == null) {
            return -1;
        }
        LinuxC.MallInfo2 info = LinuxC.Malloc.INSTANCE.mallinfo2();
        return info.uordblks + info.hblkhd;
    }

    /**
     * JNA {@link Memory} blocks allocated and not yet freed. JNA 5.19 has no public counter, so this
     * reads the registry {@code Memory} keeps of its live blocks ({@code allocatedMemory}) by
     * reflection; -1 if a JNA version renames it.
     */
    static int jnaMemoryLive() {
        Map<?, ?> live = JnaRegistry.MAP;
        if (live == null) {
            return -1;
        }
        synchronized (live) {
            return live.size();
        }
    }

    private static final class JnaRegistry {
        static final Map<?, ?> MAP = find();

        private static Map<?, ?> find() {
            try {
                Field f = Memory.class.getDeclaredField("allocatedMemory");
                f.setAccessible(true);
                return (Map<?, ?>) f.get(null);
            } catch (ReflectiveOperationException | RuntimeException e) {
                return null;
            }
        }
    }

    /** Asks the JVM to collect garbage and run JNA's cleaners, so leftovers are real leaks. */
    static void settle() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        Memory.purge();
    }

    /**
     * The live JNA Memory count once garbage is gone: blocks dropped without close are freed by
     * JNA's cleaner thread some time after a GC, so this collects until three readings agree (about
     * three seconds at most). Read the C heap first: that reading leaves a garbage Structure behind. A leaked block is still referenced and stays counted.
     */
    static int jnaMemoryLiveSettled() {
        int last = -2;
        int same = 0;
        for (int attempt = 0; attempt < 60; attempt++) {
            settle();
            int live = jnaMemoryLive();
            same = live == last ? same + 1 : 0;
            if (same == 2) {
                return live;
            }
            last = live;
            java.util.concurrent.locks.LockSupport.parkNanos(50_000_000L);
        }
        return last;
    }

    /** One line of figures for test output. */
    static String snapshot() {
        int jnaMemory = jnaMemoryLive(); // first: reading malloc makes a (garbage) Structure
        return "fds=" + fdTargets().size() + " rss=" + rssKiB() + " KiB malloc=" + (mallocInUse() >> 10)
                + " KiB jnaMemory=" + jnaMemory;
    }
}

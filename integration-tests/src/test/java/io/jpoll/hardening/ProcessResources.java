package io.jpoll.hardening;

import com.sun.jna.Memory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * What this process holds: open descriptors, resident memory, C heap in use, live JNA
 * {@link Memory} blocks. The descriptor and memory figures come from Linux's /proc and glibc;
 * elsewhere they are -1 and the callers skip those checks.
 */
final class ProcessResources {
    private static final Path FD_DIR = Paths.get("/proc/self/fd");
    private static final Path STATUS = Paths.get("/proc/self/status");
    private static final String SELF_FD_DIR = "/proc/" + ProcessHandle.current().pid() + "/fd";

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
     * Each open descriptor and what it refers to, leaving out the ones this listing itself holds
     * open on /proc/self/fd: they take the lowest free numbers, so they would look like new files.
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
                } catch (IOException e) {
                    target = "?";
                }
                if (!target.equals(SELF_FD_DIR)) {
                    map.put(Integer.parseInt(p.getFileName().toString()), target);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return map;
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
     * The descriptors in {@code after} that were not in {@code before}, or whose target changed;
     * sockets with their /proc/net line, which tells a TCP from a Unix socket and who listens.
     */
    static Map<Integer, String> fdsAdded(Map<Integer, String> before, Map<Integer, String> after) {
        Map<Integer, String> added = new TreeMap<>(after);
        added.entrySet().removeIf(e -> e.getValue().equals(before.get(e.getKey())));
        added.replaceAll((fd, target) -> target.startsWith("socket:[") ? target + " " + socketInfo(target) : target);
        return added;
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

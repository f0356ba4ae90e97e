package io.jpoll.epoll;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * This process's open descriptors, number to target, for before/after leak checks. Left out, as
 * in integration-tests' {@code ProcessResources.fdTargets} (whose reasons it gives in full): files
 * under {@code /proc} and {@code /sys/fs/cgroup}, which HotSpot's own threads open and close
 * several times a second, and descriptors closed between being listed and being read. Counting
 * raw {@code /proc/self/fd} entries instead made a leak check fail when a JVM thread's cgroup read
 * was open at the first listing and closed at the second.
 */
final class OpenFds {
    private static final Path FD_DIR = Path.of("/proc/self/fd");

    private OpenFds() {
    }

    /** Whether this OS lists descriptors in {@code /proc/self/fd}. */
    static boolean listable() {
        return Files.isDirectory(FD_DIR);
    }

    /** The open descriptors, or an empty map where they cannot be listed. */
    static Map<Integer, String> list() {
        Map<Integer, String> map = new TreeMap<>();
        if (!listable()) {
            return map;
        }
        try (Stream<Path> s = Files.list(FD_DIR)) {
            s.forEach(p -> {
                String target;
                try {
                    target = Files.readSymbolicLink(p).toString();
                } catch (NoSuchFileException closedSinceListed) {
                    return; // also the listing's own descriptor, gone by now
                } catch (IOException e) {
                    target = "? (" + e + ")";
                }
                if (!target.startsWith("/proc/") && !target.startsWith("/sys/fs/cgroup/")) {
                    map.put(Integer.parseInt(p.getFileName().toString()), target);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return map;
    }
}

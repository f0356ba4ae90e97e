package io.jpoll.examples;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The TCP sockets this JVM holds on a server's port, from {@code /proc/self/fd} and
 * {@code /proc/net/tcp[6]} (Linux): what proves that a server let go of a dead connection's
 * descriptor, not only of its own bookkeeping. Matching by port, not by counting every socket,
 * keeps the JVM's own sockets out (the JDK opens a socketpair the first time it needs one).
 */
final class OpenSockets {
    private static final Path FDS = Path.of("/proc/self/fd");
    private static final String[] TCP_TABLES = {"/proc/net/tcp", "/proc/net/tcp6"};

    private OpenSockets() {
    }

    static boolean countable() {
        return Files.isDirectory(FDS) && Files.isReadable(Path.of(TCP_TABLES[0]));
    }

    /**
     * Every descriptor of this JVM that is a TCP socket whose local port is {@code port}: the
     * listener and the connections it accepted. Like {@code [fd 31 LISTEN, fd 40 ESTABLISHED
     * to 0100007F:A0B2]}.
     */
    static List<String> heldOnPort(int port) {
        Map<String, String> socketsOnPort = socketsOnPort(port);
        List<String> held = new ArrayList<>();
        try (Stream<Path> fds = Files.list(FDS)) {
            for (Path fd : (Iterable<Path>) fds::iterator) {
                String target;
                try {
                    target = Files.readSymbolicLink(fd).toString();
                } catch (IOException closedMeanwhile) {
                    continue; // the descriptor that listed the directory, or one closed since
                }
                if (target.startsWith("socket:[")) {
                    String inode = target.substring("socket:[".length(), target.length() - 1);
                    String socket = socketsOnPort.get(inode);
                    if (socket != null) {
                        held.add("fd " + fd.getFileName() + " " + socket);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return held;
    }

    /** Inode to "STATE to REMOTE" of the TCP sockets bound to {@code port}. */
    private static Map<String, String> socketsOnPort(int port) {
        String local = String.format(":%04X", port);
        Map<String, String> sockets = new HashMap<>();
        for (String table : TCP_TABLES) {
            List<String> lines;
            try {
                lines = Files.readAllLines(Path.of(table));
            } catch (IOException noIpv6) {
                continue;
            }
            for (String line : lines.subList(1, lines.size())) {
                // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode
                String[] f = line.trim().split("\\s+");
                if (f[1].endsWith(local)) {
                    sockets.put(f[9], state(f[3]) + (f[3].equals("0A") ? "" : " to " + f[2]));
                }
            }
        }
        return sockets;
    }

    private static String state(String hex) {
        switch (hex) {
            case "01": return "ESTABLISHED";
            case "06": return "TIME_WAIT";
            case "07": return "CLOSE";
            case "08": return "CLOSE_WAIT";
            case "0A": return "LISTEN";
            default: return "state " + hex;
        }
    }
}

package io.jpoll.examples;

import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A server out of descriptors: {@code accept()} fails with EMFILE while connections wait in the
 * backlog, so the listener stays ready. The server must neither die nor spin: it pauses accepting,
 * keeps serving the connections it has, and accepts again once descriptors are free. Run as
 * {@code java ... Main <server> 0} in a child JVM whose descriptor limit is lowered with the
 * shell's {@code ulimit -n}, so this JVM's limit is untouched.
 */
@EnabledOnOs(OS.LINUX)
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class AcceptExhaustionTest {
    private static final int FD_LIMIT = 256;
    private static final Pattern PORT = Pattern.compile("on port (\\d+)");
    private static final Pattern RESUMED = Pattern.compile("accepting again after (\\d+) failed accepts");
    private static final byte[] HTTP_REQUEST = "GET / HTTP/1.1\r\nHost: test\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] HTTP_RESPONSE = ("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
            + "Content-Length: 13\r\n\r\nHello, world!").getBytes(StandardCharsets.US_ASCII);

    private final List<String> output = new CopyOnWriteArrayList<>();

    @ParameterizedTest
    @ValueSource(strings = {"http", "echo", "echo-mt"})
    void pausesAcceptingWhenOutOfDescriptorsAndRecovers(String server) throws Exception {
        Process child = start(server);
        List<Socket> peers = new ArrayList<>();
        try {
            Await.until(server + " to say its port", () -> port() > 0, output::toString);
            InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), port());
            Socket first = Peer.connect(address);
            peers.add(first);
            assertServed(server, first);

            // Fill the child's descriptor table, and some more: those wait in the backlog.
            int free = FD_LIMIT - openDescriptors(child);
            for (int i = 0; i < free + 20; i++) {
                peers.add(Peer.connect(address));
            }
            Await.until(server + " to report that accept failed", () -> said("accept failed (Too many open files)"),
                    output::toString);
            long exhausted = System.nanoTime();
            assertServed(server, first); // what it holds, it serves on
            assertTrue(child.isAlive(), () -> server + " died:\n" + String.join("\n", output));

            for (Socket s : peers) {
                s.close();
            }
            peers.clear();
            Await.until(server + " to accept again", () -> said("accepting again"), output::toString);
            double seconds = (System.nanoTime() - exhausted) / 1e9;
            int failures = resumedAfter();
            // Pauses of 10, 20, 40, ... 640 ms, then 1 s each: 8 failures plus one a second at most.
            // A server retrying at once would fail thousands of times a second.
            assertTrue(failures <= 8 + Math.ceil(seconds), () -> server + " failed to accept " + failures
                    + " times in " + seconds + " s: it retries without pausing");
            try (Socket s = Peer.connect(address)) {
                assertServed(server, s);
            }
            assertTrue(child.isAlive(), () -> server + " died:\n" + String.join("\n", output));
        } finally {
            for (Socket s : peers) {
                s.close();
            }
            child.destroy();
            if (!child.waitFor(10, TimeUnit.SECONDS)) {
                child.destroyForcibly();
            }
            System.out.println("[" + server + " out of descriptors]\n" + String.join("\n", output));
        }
    }

    private Process start(String server) throws IOException {
        List<String> command = new ArrayList<>(List.of("/bin/sh", "-c", "ulimit -n " + FD_LIMIT + " && exec \"$@\"", "sh"));
        command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx64m");
        command.add("--add-exports=java.base/sun.nio.ch=ALL-UNNAMED");
        command.add("--enable-native-access=ALL-UNNAMED");
        String backend = System.getProperty("jpoll.backend", "");
        if (!backend.isBlank()) {
            command.add("-Djpoll.backend=" + backend);
        }
        command.add("-cp");
        command.add(System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")));
        command.add(Main.class.getName());
        command.add(server);
        command.add("0");
        Process child = new ProcessBuilder(command).start();
        child.getOutputStream().close();
        collect(child.getInputStream());
        collect(child.getErrorStream());
        return child;
    }

    /** Keeps the child's output in {@code output} as it comes, so its pipes never fill. */
    private void collect(InputStream stream) {
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    output.add(line);
                }
            } catch (IOException e) {
                output.add("(reading the child's output failed: " + e + ")");
            }
        });
        reader.setDaemon(true);
        reader.start();
    }

    private int port() {
        for (String line : output) {
            Matcher m = PORT.matcher(line);
            if (m.find()) {
                return Integer.parseInt(m.group(1));
            }
        }
        return 0;
    }

    private boolean said(String text) {
        return output.stream().anyMatch(line -> line.contains(text));
    }

    private int resumedAfter() {
        for (String line : output) {
            Matcher m = RESUMED.matcher(line);
            if (m.find()) {
                return Integer.parseInt(m.group(1));
            }
        }
        throw new AssertionError("no 'accepting again' line in " + output);
    }

    private static int openDescriptors(Process child) {
        try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(child.pid()), "fd"))) {
            return (int) fds.count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One exchange on a kept-open connection: exact response or exact echo. */
    private static void assertServed(String server, Socket s) throws IOException {
        byte[] request = server.equals("http") ? HTTP_REQUEST : Peer.garbage(1000, 9);
        byte[] expected = server.equals("http") ? HTTP_RESPONSE : request;
        s.getOutputStream().write(request);
        assertArrayEquals(expected, s.getInputStream().readNBytes(expected.length), server + " did not answer");
    }
}

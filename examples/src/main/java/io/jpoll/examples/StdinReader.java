package io.jpoll.examples;

import io.jpoll.Events;
import io.jpoll.Interests;
import io.jpoll.NativeException;
import io.jpoll.Poll;
import io.jpoll.Source;

import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Reads standard input through the Poll (Unix: a tty or a pipe; epoll refuses regular files with
 * EPERM, and this example says so). Prints each chunk as it arrives, and a dot every five idle
 * seconds to show the loop is not blocked in read.
 */
public final class StdinReader {
    private StdinReader() {
    }

    public static void main(String[] args) throws IOException {
        // Unbuffered on purpose: a buffered stream could hold lines the Poll no longer reports.
        FileInputStream stdin = new FileInputStream(FileDescriptor.in);
        try (Poll poll = Poll.open()) {
            try {
                poll.registry().register(Source.fd(0), 0, Interests.READABLE.level());
            } catch (NativeException e) {
                System.err.println("cannot poll standard input: " + e.getMessage()
                        + (e.errorName().equals("EPERM") ? " (a regular file is always ready; pipe it instead: cat file | ...)" : ""));
                System.exit(1);
            }
            Events events = new Events(1);
            byte[] buffer = new byte[4096];
            while (true) {
                if (poll.poll(events, Duration.ofSeconds(5)) == 0) {
                    System.out.print('.');
                    System.out.flush();
                    continue;
                }
                int n = stdin.read(buffer);
                if (n < 0 || events.isReadClosed(0) && n == 0) {
                    System.out.println("[end of input]");
                    return;
                }
                System.out.print("[" + n + " bytes] " + new String(buffer, 0, n, StandardCharsets.UTF_8));
            }
        }
    }
}

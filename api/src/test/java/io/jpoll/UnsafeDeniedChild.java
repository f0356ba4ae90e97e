package io.jpoll;

import java.nio.channels.Pipe;

/**
 * Run in a child JVM by {@link UnsafeDeniedTest}: makes a source of a pipe end and prints one line,
 * {@code ok fd=N} or {@code threw <exception class>: <message>}.
 */
public final class UnsafeDeniedChild {
    private UnsafeDeniedChild() {
    }

    public static void main(String[] args) throws Exception {
        Pipe pipe = Pipe.open();
        try (Pipe.SourceChannel in = pipe.source(); Pipe.SinkChannel out = pipe.sink()) {
            in.configureBlocking(false);
            try {
                System.out.println("ok fd=" + Source.of(in).handle());
            } catch (RuntimeException e) {
                System.out.println("threw " + e.getClass().getName() + ": " + e.getMessage());
            }
        }
    }
}

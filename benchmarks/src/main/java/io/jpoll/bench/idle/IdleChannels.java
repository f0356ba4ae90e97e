package io.jpoll.bench.idle;

import io.jpoll.bench.Closer;
import io.jpoll.bench.Limits;

import java.io.IOException;
import java.nio.channels.DatagramChannel;

/**
 * Registrations that never become ready: unbound UDP sockets, one descriptor each (a socket pair
 * would spend two), watched for reading, which nothing ever sends them.
 */
final class IdleChannels implements AutoCloseable {
    private final DatagramChannel[] channels;

    private IdleChannels(int count) {
        channels = new DatagramChannel[count];
    }

    static IdleChannels open(int count) throws IOException {
        IdleChannels idle = new IdleChannels(count);
        try {
            for (int i = 0; i < count; i++) {
                idle.channels[i] = DatagramChannel.open();
                idle.channels[i].configureBlocking(false);
            }
        } catch (IOException | RuntimeException e) {
            idle.close();
            throw Limits.explain(e, "opening " + count + " idle UDP sockets");
        }
        return idle;
    }

    int size() {
        return channels.length;
    }

    DatagramChannel get(int i) {
        return channels[i];
    }

    @Override
    public void close() throws IOException {
        IOException first = null;
        for (DatagramChannel c : channels) {
            first = Closer.close(c, first);
        }
        if (first != null) {
            throw first;
        }
    }
}

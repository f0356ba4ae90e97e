package io.jpoll.iocp;

import io.jpoll.NativeException;

import java.util.ArrayList;
import java.util.List;

/**
 * The AFD helper handles of one selector, each shared by up to {@link PollGroup#CAPACITY} sockets.
 * A helper is opened when every one is full and closed only with the selector: a handle freed
 * early could be reopened at once, and opening one costs a driver round trip. Used under the
 * selector's lock.
 */
final class PollGroups {
    private final AfdPort port;
    private final List<PollGroup> groups = new ArrayList<>();

    PollGroups(AfdPort port) {
        this.port = port;
    }

    /** A group with room for one more socket, counted as used; opens a helper when all are full. */
    PollGroup acquire() throws NativeException {
        for (PollGroup g : groups) {
            if (!g.isFull()) {
                g.acquire();
                return g;
            }
        }
        PollGroup g = new PollGroup(port.openHelper());
        groups.add(g);
        g.acquire();
        return g;
    }

    /** How many helper handles are open. */
    int size() {
        return groups.size();
    }

    /** Closes every helper handle, which ends the polls still on them. */
    void closeAll() {
        for (PollGroup g : groups) {
            port.closeHelper(g.helper);
        }
        groups.clear();
    }
}

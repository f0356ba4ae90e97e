package io.jpoll.bench;

import java.io.Closeable;
import java.io.IOException;

/** Closes many things, keeps going after a failure and reports the first one. */
public final class Closer {
    private Closer() {
    }

    /** Closes {@code c} (null is fine); returns {@code first}, or this failure if it is the first. */
    public static IOException close(Closeable c, IOException first) {
        if (c == null) {
            return first;
        }
        try {
            c.close();
        } catch (IOException e) {
            if (first == null) {
                return e;
            }
            first.addSuppressed(e);
        }
        return first;
    }
}

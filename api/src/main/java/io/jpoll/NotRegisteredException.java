package io.jpoll;

import java.io.IOException;

/** {@link Registry#reregister} or {@link Registry#deregister} of a source this Poll does not hold. */
public class NotRegisteredException extends IOException {
    private static final long serialVersionUID = 1L;

    /** @param message what was registered, or not, and where */
    public NotRegisteredException(String message) {
        super(message);
    }
}

package io.jpoll;

import java.io.IOException;

/** {@link Registry#register} of a source that is already registered with this Poll. */
public class AlreadyRegisteredException extends IOException {
    private static final long serialVersionUID = 1L;

    /** @param message what was registered, or not, and where */
    public AlreadyRegisteredException(String message) {
        super(message);
    }
}

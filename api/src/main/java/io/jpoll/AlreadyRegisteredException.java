package io.jpoll;

import java.io.IOException;

/** {@link Registry#register} of a source that is already registered with this Poll. */
public class AlreadyRegisteredException extends IOException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception; the message names the operation, the fd or SOCKET and, where the call
     * had one, the token, like {@code Registry.register fd=7 token=3: ...}.
     *
     * @param message what was registered, or not, and where
     */
    public AlreadyRegisteredException(String message) {
        super(message);
    }
}

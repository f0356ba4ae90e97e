package io.jpoll;

import java.io.IOException;

/** {@link Registry#register} of a source that is already registered with this Poll. */
public class AlreadyRegisteredException extends IOException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception with a message in the shape of {@link NativeException}'s, like
     * {@code Registry.register fd=7 token=3: already registered with this Poll (epoll_ctl(ADD): EEXIST)}.
     *
     * @param operation   the API call, e.g. {@code Registry.register}
     * @param handleLabel how the OS names the handle: {@code fd}, {@code socket}, {@code pid}
     * @param handle      the fd, SOCKET or pid
     * @param token       the token the call asked for
     * @param detail      how the backend found out, or null
     */
    public AlreadyRegisteredException(String operation, String handleLabel, long handle, long token, String detail) {
        super(RegistrationMessage.format(operation, handleLabel, handle, true, token,
                "already registered with this Poll", detail));
    }

    /**
     * Creates the exception with a message written by the caller.
     *
     * @param message what was registered, or not, and where
     * @deprecated the backends use {@link #AlreadyRegisteredException(String, String, long, long, String)},
     *             which gives every backend's message the same shape; this one goes once none calls it
     */
    @Deprecated(forRemoval = true)
    public AlreadyRegisteredException(String message) {
        super(message);
    }
}

package io.jpoll;

import java.io.IOException;

/** {@link Registry#reregister} or {@link Registry#deregister} of a source this Poll does not hold. */
public class NotRegisteredException extends IOException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception for a call that carried a token (a reregister), with a message in the
     * shape of {@link NativeException}'s, like
     * {@code Registry.reregister fd=7 token=3: not registered with this Poll (epoll_ctl(MOD): ENOENT)}.
     *
     * @param operation   the API call, e.g. {@code Registry.reregister}
     * @param handleLabel how the OS names the handle: {@code fd}, {@code socket}, {@code pid}
     * @param handle      the fd, SOCKET or pid
     * @param token       the token the call asked for
     * @param detail      how the backend found out, or null
     */
    public NotRegisteredException(String operation, String handleLabel, long handle, long token, String detail) {
        super(RegistrationMessage.format(operation, handleLabel, handle, true, token,
                "not registered with this Poll", detail));
    }

    /**
     * Creates the exception for a call without a token (a deregister), like
     * {@code Registry.deregister fd=7: not registered with this Poll (epoll_ctl(DEL): ENOENT)}.
     *
     * @param operation   the API call, e.g. {@code Registry.deregister}
     * @param handleLabel how the OS names the handle: {@code fd}, {@code socket}, {@code pid}
     * @param handle      the fd, SOCKET or pid
     * @param detail      how the backend found out, or null
     */
    public NotRegisteredException(String operation, String handleLabel, long handle, String detail) {
        super(RegistrationMessage.format(operation, handleLabel, handle, false, 0L,
                "not registered with this Poll", detail));
    }

    /**
     * Creates the exception with a message written by the caller.
     *
     * @param message what was registered, or not, and where
     * @deprecated the backends use the constructors that take the operation, handle and token,
     *             which give every backend's message the same shape; this one goes once none calls it
     */
    @Deprecated(forRemoval = true)
    public NotRegisteredException(String message) {
        super(message);
    }
}

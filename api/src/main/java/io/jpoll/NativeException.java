package io.jpoll;

import java.io.IOException;

/**
 * The operating system refused an operation. Carries what was asked and what the OS answered,
 * for example {@code epoll_ctl(ADD) fd=7 token=3: EPERM (Operation not permitted)}.
 */
public class NativeException extends IOException {
    private static final long serialVersionUID = 1L;

    /** The native call that failed. */
    private final String operation;
    /** The fd or handle, or -1. */
    private final long handle;
    /** The numeric OS error. */
    private final int errorCode;
    /** The symbolic OS error. */
    private final String errorName;

    /**
     * Creates the exception; the message reads like
     * {@code epoll_ctl(ADD) fd=7 token=3: EPERM (Operation not permitted)}.
     *
     * @param operation   the native call and its mode, e.g. {@code epoll_ctl(ADD)}
     * @param handleLabel how the OS names the handle ({@code fd}, {@code socket}, {@code handle}),
     *                    or null when the call had none
     * @param handle      the fd or handle, ignored when {@code handleLabel} is null
     * @param detail      more context such as the token, or null
     * @param errorCode   the OS error number (errno, Win32 error or NTSTATUS)
     * @param errorName   its symbolic name, e.g. {@code EPERM}
     * @param description the OS's text for it
     */
    public NativeException(String operation, String handleLabel, long handle, String detail,
                           int errorCode, String errorName, String description) {
        super(message(operation, handleLabel, handle, detail, errorName, description));
        this.operation = operation;
        this.handle = handleLabel == null ? -1 : handle;
        this.errorCode = errorCode;
        this.errorName = errorName;
    }

    private static String message(String operation, String handleLabel, long handle, String detail,
                                  String errorName, String description) {
        StringBuilder sb = new StringBuilder(operation);
        if (handleLabel != null) {
            sb.append(' ').append(handleLabel).append('=').append(handle);
        }
        if (detail != null) {
            sb.append(' ').append(detail);
        }
        return sb.append(": ").append(errorName).append(" (").append(description).append(')').toString();
    }

    /**
     * The native call that failed, with its mode.
     *
     * @return the call, e.g. {@code epoll_ctl(ADD)}
     */
    public String operation() {
        return operation;
    }

    /**
     * The fd, SOCKET or handle the failed call was about.
     *
     * @return the fd or handle, or -1 when the call had none
     */
    public long handle() {
        return handle;
    }

    /**
     * The OS error as a number; its meaning depends on the OS, so prefer {@link #errorName()} in
     * code that should run everywhere.
     *
     * @return the errno, Win32 error or NTSTATUS
     */
    public int errorCode() {
        return errorCode;
    }

    /**
     * The OS error by name, the same on every OS that uses it.
     *
     * @return the symbolic error, e.g. {@code EEXIST}
     */
    public String errorName() {
        return errorName;
    }
}

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

    /** @return the native call that failed, e.g. {@code epoll_ctl(ADD)} */
    public String operation() {
        return operation;
    }

    /** @return the fd or handle the call was about, or -1 */
    public long handle() {
        return handle;
    }

    /** @return the numeric OS error (errno, Win32 error or NTSTATUS) */
    public int errorCode() {
        return errorCode;
    }

    /** @return the symbolic OS error, e.g. {@code EEXIST} */
    public String errorName() {
        return errorName;
    }
}

package io.jpoll;

/**
 * The message of {@link AlreadyRegisteredException} and {@link NotRegisteredException}, in the
 * shape of {@link NativeException}'s: {@code operation label=handle [token=t]: what [(detail)]}.
 */
final class RegistrationMessage {
    private RegistrationMessage() {
    }

    static String format(String operation, String handleLabel, long handle, boolean hasToken, long token,
                         String what, String detail) {
        StringBuilder sb = new StringBuilder(operation).append(' ').append(handleLabel).append('=').append(handle);
        if (hasToken) {
            sb.append(" token=").append(token);
        }
        sb.append(": ").append(what);
        if (detail != null) {
            sb.append(" (").append(detail).append(')');
        }
        return sb.toString();
    }
}

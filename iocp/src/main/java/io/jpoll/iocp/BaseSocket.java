package io.jpoll.iocp;

import io.jpoll.NativeException;

/**
 * Finds the base service provider's socket under a SOCKET: what AFD polls.
 *
 * <p>SIO_BASE_HANDLE answers at once unless a layered service provider intercepts it, which
 * Microsoft says they must not do and some (Komodia-based ones, as wepoll's ws.c notes) do
 * anyway. Those pass SIO_BSP_HANDLE_POLL through, which names the socket of the next provider
 * down. That one may be layered too, so SIO_BASE_HANDLE is asked again of it, layer by layer,
 * until a provider answers. WSAENOTSOCK ends the search at once: the handle is no socket, and no
 * lower layer will say otherwise.
 */
final class BaseSocket {
    /** More layers than this means a provider answers in a circle. */
    static final int MAX_LAYERS = 16;
    static final long INVALID_SOCKET = -1L;
    private static final String OPERATION = "WSAIoctl(SIO_BASE_HANDLE)";

    /** One WSAIoctl that returns a SOCKET. */
    interface Ioctl {
        /** The SOCKET the ioctl {@code code} returns for {@code socket}, or INVALID_SOCKET. */
        long query(long socket, int code);

        /** The Winsock error of the last query that returned INVALID_SOCKET. */
        int lastError();
    }

    private BaseSocket() {
    }

    /**
     * Searches down the provider layers of {@code socket}.
     *
     * @param socket the SOCKET the user registers
     * @return the base provider's socket under it
     * @throws NativeException naming {@code socket} and the Winsock error that ended the search
     */
    static long resolve(long socket, Ioctl ioctl) throws NativeException {
        long layer = socket;
        int error = 0;
        for (int depth = 0; depth < MAX_LAYERS; depth++) {
            long base = ioctl.query(layer, Ws2_32.SIO_BASE_HANDLE);
            if (base != INVALID_SOCKET) {
                return base;
            }
            error = ioctl.lastError();
            if (error == WinErrors.WSAENOTSOCK) {
                throw WinErrors.error(OPERATION, "socket", socket, at(socket, layer), error);
            }
            long next = ioctl.query(layer, Ws2_32.SIO_BSP_HANDLE_POLL);
            if (next == INVALID_SOCKET || next == 0 || next == layer) {
                throw WinErrors.error(OPERATION, "socket", socket,
                        join(at(socket, layer), "SIO_BSP_HANDLE_POLL named no socket below"), error);
            }
            layer = next;
        }
        throw WinErrors.error(OPERATION, "socket", socket, "(no base socket within " + MAX_LAYERS
                + " layered providers)", error);
    }

    /** Which layer failed, when it is not the user's socket itself. */
    private static String at(long socket, long layer) {
        return layer == socket ? null : "(at the layered socket " + layer + ")";
    }

    private static String join(String where, String what) {
        return where == null ? "(" + what + ")" : where.substring(0, where.length() - 1) + ": " + what + ")";
    }
}

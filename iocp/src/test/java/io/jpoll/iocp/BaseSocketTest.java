package io.jpoll.iocp;

import io.jpoll.NativeException;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The search for the base socket under layered providers, through a scripted WSAIoctl. Each
 * socket answers SIO_BASE_HANDLE and SIO_BSP_HANDLE_POLL with a handle or a Winsock error.
 * Logic only: what real providers answer is not tested here.
 */
class BaseSocketTest {
    private static final int WSAEINVAL = 10022, WSAEOPNOTSUPP = 10045;
    private static final long USER = 0x400, LAYER = 0x500, LAYER2 = 0x600, BASE = 0x700;

    /** Scripted answers, keyed by socket and code; an int[] answer is an error. */
    private static final class Script implements BaseSocket.Ioctl {
        private final Map<String, Object> answers = new HashMap<>();
        final List<String> calls = new ArrayList<>();
        private int error;

        Script answer(long socket, int code, long handle) {
            answers.put(socket + "/" + code, handle);
            return this;
        }

        Script fail(long socket, int code, int wsaError) {
            answers.put(socket + "/" + code, new int[] {wsaError});
            return this;
        }

        @Override
        public long query(long socket, int code) {
            String key = socket + "/" + code;
            calls.add((code == Ws2_32.SIO_BASE_HANDLE ? "BASE " : "BSP ") + Long.toHexString(socket));
            Object a = answers.get(key);
            if (a instanceof Long) {
                return (Long) a;
            }
            error = a == null ? WSAEOPNOTSUPP : ((int[]) a)[0];
            return BaseSocket.INVALID_SOCKET;
        }

        @Override
        public int lastError() {
            return error;
        }
    }

    @Test
    void aPlainSocketAnswersAtOnce() throws Exception {
        Script s = new Script().answer(USER, Ws2_32.SIO_BASE_HANDLE, BASE);
        assertEquals(BASE, BaseSocket.resolve(USER, s));
        assertEquals(List.of("BASE 400"), s.calls);
    }

    @Test
    void notASocketStopsAtOnceWithoutAskingTheLayerBelow() {
        Script s = new Script().fail(USER, Ws2_32.SIO_BASE_HANDLE, WinErrors.WSAENOTSOCK)
                .answer(USER, Ws2_32.SIO_BSP_HANDLE_POLL, LAYER);
        NativeException e = assertThrows(NativeException.class, () -> BaseSocket.resolve(USER, s));
        assertEquals("WSAENOTSOCK", e.errorName());
        assertEquals(USER, e.handle());
        assertEquals(List.of("BASE 400"), s.calls);
    }

    @Test
    void anInterceptingLayerIsUnwrappedAndItsSocketAskedForTheBaseAgain() throws Exception {
        Script s = new Script().fail(USER, Ws2_32.SIO_BASE_HANDLE, WSAEINVAL)
                .answer(USER, Ws2_32.SIO_BSP_HANDLE_POLL, LAYER)
                .answer(LAYER, Ws2_32.SIO_BASE_HANDLE, BASE);
        assertEquals(BASE, BaseSocket.resolve(USER, s), "the next layer's socket is not yet the base");
        assertEquals(List.of("BASE 400", "BSP 400", "BASE 500"), s.calls);
    }

    @Test
    void twoInterceptingLayersAreUnwrappedInTurn() throws Exception {
        Script s = new Script().fail(USER, Ws2_32.SIO_BASE_HANDLE, WSAEINVAL)
                .answer(USER, Ws2_32.SIO_BSP_HANDLE_POLL, LAYER)
                .fail(LAYER, Ws2_32.SIO_BASE_HANDLE, WSAEINVAL)
                .answer(LAYER, Ws2_32.SIO_BSP_HANDLE_POLL, LAYER2)
                .answer(LAYER2, Ws2_32.SIO_BASE_HANDLE, BASE);
        assertEquals(BASE, BaseSocket.resolve(USER, s));
    }

    @Test
    void aLowerLayerThatIsNoSocketEndsTheSearchNamingTheUsersSocket() {
        Script s = new Script().fail(USER, Ws2_32.SIO_BASE_HANDLE, WSAEINVAL)
                .answer(USER, Ws2_32.SIO_BSP_HANDLE_POLL, LAYER)
                .fail(LAYER, Ws2_32.SIO_BASE_HANDLE, WinErrors.WSAENOTSOCK);
        NativeException e = assertThrows(NativeException.class, () -> BaseSocket.resolve(USER, s));
        assertEquals("WSAENOTSOCK", e.errorName());
        assertEquals(USER, e.handle());
        assertEquals("WSAIoctl(SIO_BASE_HANDLE) socket=1024 (at the layered socket 1280): WSAENOTSOCK"
                + " (An operation was attempted on something that is not a socket)", e.getMessage());
    }

    @Test
    void noLayerBelowReportsTheBaseHandleError() {
        Script s = new Script().fail(USER, Ws2_32.SIO_BASE_HANDLE, WSAEINVAL)
                .fail(USER, Ws2_32.SIO_BSP_HANDLE_POLL, WSAEOPNOTSUPP);
        NativeException e = assertThrows(NativeException.class, () -> BaseSocket.resolve(USER, s));
        assertEquals("WSAEINVAL", e.errorName());
        assertEquals("WSAIoctl(SIO_BASE_HANDLE) socket=1024 (SIO_BSP_HANDLE_POLL named no socket below): WSAEINVAL"
                + " (An invalid argument was supplied)", e.getMessage());
    }

    @Test
    void aLayerThatNamesItselfOrNothingDoesNotLoop() {
        Script self = new Script().fail(USER, Ws2_32.SIO_BASE_HANDLE, WSAEINVAL)
                .answer(USER, Ws2_32.SIO_BSP_HANDLE_POLL, USER);
        assertEquals("WSAEINVAL", assertThrows(NativeException.class, () -> BaseSocket.resolve(USER, self)).errorName());
        Script zero = new Script().fail(USER, Ws2_32.SIO_BASE_HANDLE, WSAEINVAL)
                .answer(USER, Ws2_32.SIO_BSP_HANDLE_POLL, 0);
        assertEquals("WSAEINVAL", assertThrows(NativeException.class, () -> BaseSocket.resolve(USER, zero)).errorName());
    }

    @Test
    void layersAnsweringInACircleEndAfterABoundedSearch() {
        Script s = new Script().fail(USER, Ws2_32.SIO_BASE_HANDLE, WSAEINVAL)
                .answer(USER, Ws2_32.SIO_BSP_HANDLE_POLL, LAYER)
                .fail(LAYER, Ws2_32.SIO_BASE_HANDLE, WSAEINVAL)
                .answer(LAYER, Ws2_32.SIO_BSP_HANDLE_POLL, USER);
        NativeException e = assertThrows(NativeException.class, () -> BaseSocket.resolve(USER, s));
        assertEquals("WSAIoctl(SIO_BASE_HANDLE) socket=1024 (no base socket within 16 layered providers): WSAEINVAL"
                + " (An invalid argument was supplied)", e.getMessage());
        assertEquals(2 * BaseSocket.MAX_LAYERS, s.calls.size());
    }
}

package io.jpoll.kqueue;

import com.sun.jna.Library;

/**
 * {@code fcntl}, which is variadic. JNA calls a variadic interface method as variadic, which
 * matters on macOS arm64 where variadic arguments go on the stack; direct mapping cannot. Used only
 * when a queue or a pipe is made, never on a hot path.
 */
interface Fcntl extends Library {
    int fcntl(int fd, int cmd, Object... arg);
}

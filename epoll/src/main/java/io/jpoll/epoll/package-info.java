/**
 * The Linux backend: one epoll instance per Poll.
 *
 * <p>How the pieces fit: {@link io.jpoll.epoll.EpollBackend} is the ServiceLoader provider;
 * {@code EpollSelector} registers with the 64-bit token as each record's data (so decoding needs
 * no lookup and no token is reserved), waits with {@code epoll_pwait2} where the kernel has it and
 * {@code epoll_wait} otherwise, and joins a close eventfd to the set at open so that closing never
 * needs the kernel to accept anything; {@code EpollFlags} translates interests and readiness in one
 * place, from the kernel's bits alone; {@code EpollEventLayout} knows that {@code epoll_event} is
 * packed on x86_64 only; {@code EpollBuffer} and {@code CtlRecord} are pooled native memory read
 * and written through ByteBuffer views; {@code EventFdWaker} is a waker; {@code Errno} names
 * the errors.
 *
 * <p>Native calls go through {@code EpollNative}, the exact calls the backend makes with pointers
 * as {@code long} addresses and errors as {@code -errno}. {@code EpollBinding} picks one
 * implementation per process, held in a {@code static final} field: {@code FfmEpollNative}
 * ({@code java.lang.foreign}, in the multi-release jar's {@code META-INF/versions/22}) on JDK 22
 * and later, {@code JnaEpollNative} (direct-mapped {@code LibC} and {@code EpollPwait2}) on JDK 17
 * to 21, or wherever FFM cannot be used; {@code -Djpoll.native=ffm|jna} forces one.
 */
package io.jpoll.epoll;

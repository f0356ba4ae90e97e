/**
 * The Windows x64 backend of jpoll: readiness from {@code IOCTL_AFD_POLL} requests on the AFD
 * driver, completed to an I/O completion port.
 *
 * <p>How the pieces fit: {@link io.jpoll.iocp.IocpBackend} is the ServiceLoader provider;
 * {@code IocpSelector} keeps the registration table, the AFD helper handles ({@code PollGroup},
 * up to 32 sockets each) and decodes OVERLAPPED_ENTRY records into the event sink;
 * {@code SocketState} is one socket's native block and its IDLE / PENDING / CANCELLED state
 * machine; {@code AfdFlags} translates flags both ways; {@code Layout} holds the x64 offsets;
 * {@code AfdPort} is the seam to the OS, implemented by {@code WindowsAfdPort} over the
 * direct-mapped {@code Kernel32}, {@code Ntdll} and {@code Ws2_32}.
 *
 * <p>Verification status: the state machine, the layouts and the flag and error translation are
 * tested on Linux, the state machine against a fake of AFD. The native calls themselves have not
 * been executed on Windows by the project's own build.
 */
package io.jpoll.iocp;

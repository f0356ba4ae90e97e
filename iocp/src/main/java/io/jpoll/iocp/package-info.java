/**
 * The Windows x64 backend of jpoll: readiness from {@code IOCTL_AFD_POLL} requests on the AFD
 * driver, completed to an I/O completion port.
 *
 * <p>How the pieces fit: {@link io.jpoll.iocp.IocpBackend} is the ServiceLoader provider;
 * {@code IocpSelector} keeps the registration table, waits on the port and decodes
 * OVERLAPPED_ENTRY records; {@code PollGroups} holds the AFD helper handles ({@code PollGroup}, up
 * to 32 sockets each);
 * {@code PollCycle} turns one completion into at most one event and starts the registration's next
 * poll; {@code SocketState} is one socket's native block and its IDLE / PENDING / CANCELLED state
 * machine; {@code Blocks} owns the blocks' lifetime; {@code ReuseProbe} (with
 * {@code SocketAddresses} and {@code Carry}) decides whether a registered number now names another
 * socket; {@code BaseSocket} finds the base socket under layered providers; {@code AfdFlags}
 * translates flags both ways; {@code Layout} holds the x64 offsets; {@code AfdPort} is the seam to
 * the OS, implemented by {@code WindowsAfdPort} over the direct-mapped {@code Kernel32},
 * {@code Ntdll} and {@code Ws2_32}.
 *
 * <p>Closed sockets. AFD reports a close only by completing, with LOCAL_CLOSE, a poll that is
 * pending on the socket at that moment, and Windows hands a freed handle value out again at once.
 * So every live registration keeps a poll pending, a close-only one when it wants no event, and a
 * register of a registered number first looks for evidence that the old socket is gone (see
 * {@code ReuseProbe}). Whether the kernel writes a completion's IO_STATUS_BLOCK before queueing it
 * or only when a thread dequeues it is not documented; the code reads the block first and, if it
 * still says pending, takes what the port holds off it, so it is right either way. What stays
 * open: a socket closed while its poll's completion was queued and not yet dequeued was not being
 * polled at its close, so AFD never reports that close. Its registration then reports that last
 * readiness under its token, and its next poll names the number, which may by then be another
 * socket's; a register of that socket replaces the registration only if the addresses differ.
 * Deregister before closing (wepoll gives the same advice).
 *
 * <p>Memory. A block's IO_STATUS_BLOCK and AFD_POLL_INFO are written by the kernel whenever its
 * poll completes, so blocks are freed only after their completion was dequeued, are reachable from
 * a static root until close (a Poll dropped without close never has them collected), and are kept
 * forever if their completion does not come even at close.
 *
 * <p>Verification status: the state machine, the reuse probe's decisions, the base-socket search,
 * the layouts and the flag and error translation are tested on Linux, the state machine against a
 * fake of AFD ({@code FakeAfdPort}) in both orders of the kernel's writes. The native calls
 * themselves (and what AFD, Winsock and layered providers really answer) have not been executed on
 * Windows by the project's own build; {@code WindowsSmokeTest} runs only on Windows.
 */
package io.jpoll.iocp;

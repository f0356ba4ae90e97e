/**
 * The kqueue backend: macOS, FreeBSD, OpenBSD, NetBSD and DragonFly, and Linux over libkqueue
 * when asked for.
 *
 * <p>How the pieces fit: {@link io.jpoll.kqueue.KqueueBackend} is the ServiceLoader provider;
 * {@code KqueueProfile} picks, once per process, what differs between the kqueues (the
 * {@code struct kevent} layout in {@code KeventLayout}, the constants in {@code KqueueConstants},
 * the errors in {@code Errno}, which owns every errno number the backend branches on and makes
 * its exceptions). {@code KqueueSelector} only wires the parts together and runs the poll loop:
 * <ul>
 *   <li>{@code Changes} owns the kqueue descriptor and submits changes in EV_RECEIPT batches
 *       ({@code ChangeBatch}), with the {@code ChangeHandoff} of libkqueue before 2.7 and the
 *       {@code fcntl} checks that tell what a refused change means;</li>
 *   <li>{@code KqueueFilters} translates interests into filters and flags, and a record's flags
 *       into readiness;</li>
 *   <li>{@code Registrar} registers descriptors under one lock; {@code Registrations} keeps the
 *       fd-to-slot table whose epochs drop stale records and whose ARMED bit makes ONESHOT mean
 *       one event per arm; {@code ClosedWrites} reports pipes whose reader is gone, which the BSD
 *       kernels refuse to register for writing;</li>
 *   <li>{@code Wakeup}, chosen once by {@code WakeupChoice} before the selector is built, wakes
 *       pollers: {@code UserFilterWakeup} (EVFILT_USER) or {@code PipeWakeup} ({@code WakePipe});
 *       {@code DispatchCheck} refuses, at open, a kernel that ignores EV_DISPATCH;</li>
 *   <li>{@code EventDecoder} turns records into events, one case per kind of knote.</li>
 * </ul>
 * {@code Kernel} is the seam to the OS, implemented by {@code Natives} over the JNA bindings.
 *
 * <p>Beside descriptors, two more kinds of knote, each with a case in
 * {@code EventDecoder.decodeOne} and an ident space of its own: {@code Timers} and
 * {@code KqueueTimer} (EVFILT_TIMER, a fresh udata per arm so stale expiries are dropped, the
 * unit of each OS, the switch from a first delay to the period), and {@code Processes}
 * (EVFILT_PROC with the {@code isAlive()} check against pid reuse; over libkqueue a pidfd from
 * {@code Pidfds}, watched with EVFILT_READ). A further kind plugs in the same way.
 */
package io.jpoll.kqueue;

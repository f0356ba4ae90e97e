/**
 * The kqueue backend: macOS, FreeBSD, OpenBSD, NetBSD and DragonFly, and Linux over libkqueue
 * when asked for.
 *
 * <p>How the pieces fit: {@link io.jpoll.kqueue.KqueueBackend} is the ServiceLoader provider;
 * {@code KqueueProfile} picks, once per process, what differs between the kqueues (the
 * {@code struct kevent} layout in {@code KeventLayout}, the constants in {@code KqueueConstants},
 * the errno names in {@code Errno}); {@code KqueueSelector} submits changes in EV_RECEIPT batches
 * ({@code ChangeBatch}) under one lock and polls without it; {@code Registrations} keeps the
 * fd-to-slot table whose epochs drop stale records and whose ARMED bit makes ONESHOT mean one
 * event per arm; {@code EventDecoder} turns records into events; wakers use EVFILT_USER or, where
 * the kernel lacks or caps it, {@code WakePipe}; {@code ClosedWrites} reports pipes whose reader is
 * gone, which the BSD kernels refuse to register for writing. {@code Kernel} is the seam to the
 * OS, implemented by {@code Natives} over the JNA bindings.
 */
package io.jpoll.kqueue;

/**
 * jpoll's public API: a readiness event queue over the operating system's own (epoll, kqueue,
 * IOCP with AFD polling), chosen at run time.
 *
 * <p>{@link io.jpoll.Poll} opens the queue; its {@link io.jpoll.Registry} adds, changes and removes
 * {@link io.jpoll.Source}s with a 64-bit token and {@link io.jpoll.Interests} (readiness kinds and a
 * {@link io.jpoll.Trigger}); {@link io.jpoll.Poll#poll} fills an {@link io.jpoll.Events} the caller
 * owns and reuses, read by index without allocation; {@link io.jpoll.Waker}s make a poll return from
 * any thread. Every class here checks its arguments once, so backends see only valid calls.
 *
 * <p>Threads: a Poll and its Registry are thread-safe, and several threads may poll one Poll at once,
 * each with its own Events. What a thread does before {@code register}, {@code reregister} or
 * {@code wake} happens-before what the thread that receives the event it armed does next.
 *
 * <p>Closing: {@link io.jpoll.Poll#close()} makes blocked pollers return, waits until no thread is
 * inside the Poll, and only then releases the native queue, so a descriptor number is never used
 * after it could have been handed out again.
 */
package io.jpoll;

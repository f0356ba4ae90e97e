package io.jpoll;

/**
 * When a registration reports readiness.
 *
 * <p>With every trigger, readiness that already exists when a source is registered or reregistered
 * is reported by the next poll.
 */
public enum Trigger {
    /**
     * Reported once, then the registration is disarmed until {@link Registry#reregister}. With
     * several threads polling, exactly one of them receives the event. The default.
     */
    ONESHOT,
    /**
     * Reported on each change to ready. After an event the program must read, write or accept
     * until the operation would block, or it may never hear of that source again.
     */
    EDGE,
    /** Reported by every poll for as long as the source is ready. */
    LEVEL
}

package io.jpoll;

import java.util.Objects;

/**
 * What a registration waits for: a non-empty set of readiness kinds and a {@link Trigger}.
 *
 * <p>Immutable and canonical: every combination exists once, so building interests never
 * allocates and {@code ==} is the same as {@code equals}.
 *
 * <pre>{@code
 * Interests.READABLE.add(Interests.WRITABLE).edge()   // READABLE | WRITABLE (EDGE)
 * }</pre>
 */
public final class Interests {
    private static final int R = 1, W = 2, P = 4, ALL = R | W | P;
    private static final Trigger[] TRIGGERS = Trigger.values();
    /** Indexed by trigger ordinal * 8 + kind bits; index 0 of each row stays null (empty). */
    private static final Interests[] CANON = new Interests[TRIGGERS.length * 8];

    static {
        for (Trigger t : TRIGGERS) {
            for (int bits = 1; bits <= ALL; bits++) {
                CANON[t.ordinal() * 8 + bits] = new Interests(bits, t);
            }
        }
    }

    /** Readable (data, an incoming connection, end of stream), with the default trigger ONESHOT. */
    public static final Interests READABLE = of(R, Trigger.ONESHOT);
    /** Writable (room to write, a finished connect), with the default trigger ONESHOT. */
    public static final Interests WRITABLE = of(W, Trigger.ONESHOT);
    /** Priority (out-of-band or urgent data), with the default trigger ONESHOT. */
    public static final Interests PRIORITY = of(P, Trigger.ONESHOT);

    private final int bits;
    private final Trigger trigger;

    private Interests(int bits, Trigger trigger) {
        this.bits = bits;
        this.trigger = trigger;
    }

    private static Interests of(int bits, Trigger trigger) {
        return CANON[trigger.ordinal() * 8 + bits];
    }

    /**
     * Combines readiness kinds, keeping this trigger: {@code READABLE.edge().add(WRITABLE)} waits
     * for both, edge-triggered.
     *
     * @param other the kinds to add; its trigger is ignored
     * @return these interests plus {@code other}'s kinds, with this trigger
     */
    public Interests add(Interests other) {
        Objects.requireNonNull(other, "Interests.add: other is null");
        return of(bits | other.bits, trigger);
    }

    /**
     * Drops readiness kinds, keeping this trigger; for example stop waiting for WRITABLE once
     * pending output is flushed.
     *
     * @param other the kinds to remove; its trigger is ignored
     * @return these interests without {@code other}'s kinds, with this trigger
     * @throws IllegalArgumentException if nothing would be left
     */
    public Interests remove(Interests other) {
        Objects.requireNonNull(other, "Interests.remove: other is null");
        int left = bits & ~other.bits;
        if (left == 0) {
            throw new IllegalArgumentException(
                    "Interests.remove: removing " + kinds(other.bits) + " from " + kinds(bits)
                            + " leaves nothing; interests are never empty");
        }
        return of(left, trigger);
    }

    /**
     * Whether these interests ask for readable events.
     *
     * @return whether readable is among the kinds
     */
    public boolean isReadable() {
        return (bits & R) != 0;
    }

    /**
     * Whether these interests ask for writable events.
     *
     * @return whether writable is among the kinds
     */
    public boolean isWritable() {
        return (bits & W) != 0;
    }

    /**
     * Whether these interests ask for priority events.
     *
     * @return whether priority is among the kinds
     */
    public boolean isPriority() {
        return (bits & P) != 0;
    }

    /**
     * The trigger that decides when readiness is reported: once until re-armed, on each change, or
     * on every poll.
     *
     * @return the trigger
     */
    public Trigger trigger() {
        return trigger;
    }

    /**
     * The same readiness kinds with another trigger.
     *
     * @param trigger the trigger to use
     * @return the same kinds with {@code trigger}
     */
    public Interests with(Trigger trigger) {
        return of(bits, Objects.requireNonNull(trigger, "Interests.with: trigger is null"));
    }

    /**
     * The same readiness kinds, reported once and then not again until {@code reregister}.
     *
     * @return the same kinds, {@link Trigger#ONESHOT}
     */
    public Interests oneshot() {
        return of(bits, Trigger.ONESHOT);
    }

    /**
     * The same readiness kinds, reported once per change to ready; drain the source until it
     * would block.
     *
     * @return the same kinds, {@link Trigger#EDGE}
     */
    public Interests edge() {
        return of(bits, Trigger.EDGE);
    }

    /**
     * The same readiness kinds, reported by every poll for as long as the source is ready.
     *
     * @return the same kinds, {@link Trigger#LEVEL}
     */
    public Interests level() {
        return of(bits, Trigger.LEVEL);
    }

    /** Like {@code READABLE | WRITABLE (ONESHOT)}. */
    @Override
    public String toString() {
        return kinds(bits) + " (" + trigger + ")";
    }

    private static String kinds(int bits) {
        StringBuilder sb = new StringBuilder();
        if ((bits & R) != 0) sb.append("READABLE");
        if ((bits & W) != 0) sb.append(sb.length() > 0 ? " | " : "").append("WRITABLE");
        if ((bits & P) != 0) sb.append(sb.length() > 0 ? " | " : "").append("PRIORITY");
        return sb.toString();
    }
}

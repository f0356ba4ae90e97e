package io.jpoll.kqueue;

import java.util.Arrays;

/**
 * An open-addressing map from file descriptor to registration slot, with primitive keys and values:
 * no boxing on register, reregister or deregister. Linear probing; removal shifts the following
 * entries back instead of leaving tombstones, so lookups never slow down with churn. Not
 * thread-safe: {@link Registrations} uses it under the selector's lock.
 */
final class FdMap {
    private static final int EMPTY = -1;

    private int[] keys;
    private int[] values;
    private int size;

    FdMap() {
        keys = new int[16];
        values = new int[16];
        Arrays.fill(keys, EMPTY);
    }

    int size() {
        return size;
    }

    /** The slot of {@code fd}, or -1. */
    int get(int fd) {
        int mask = keys.length - 1;
        for (int i = hash(fd) & mask; ; i = (i + 1) & mask) {
            int k = keys[i];
            if (k == fd) {
                return values[i];
            }
            if (k == EMPTY) {
                return -1;
            }
        }
    }

    /** Maps {@code fd} (not yet present, >= 0) to {@code slot}. */
    void put(int fd, int slot) {
        if ((size + 1) * 2 > keys.length) {
            grow();
        }
        int mask = keys.length - 1;
        int i = hash(fd) & mask;
        while (keys[i] != EMPTY) {
            i = (i + 1) & mask;
        }
        keys[i] = fd;
        values[i] = slot;
        size++;
    }

    /** Removes {@code fd} and returns its slot, or -1 if absent. */
    int remove(int fd) {
        int mask = keys.length - 1;
        int i = hash(fd) & mask;
        while (keys[i] != fd) {
            if (keys[i] == EMPTY) {
                return -1;
            }
            i = (i + 1) & mask;
        }
        int slot = values[i];
        // Backward-shift: move later entries of the probe run into the hole when their home
        // position does not lie (cyclically) between the hole and themselves.
        int hole = i;
        for (int j = (i + 1) & mask; keys[j] != EMPTY; j = (j + 1) & mask) {
            int home = hash(keys[j]) & mask;
            boolean movable = hole <= j ? (home <= hole || home > j) : (home <= hole && home > j);
            if (movable) {
                keys[hole] = keys[j];
                values[hole] = values[j];
                hole = j;
            }
        }
        keys[hole] = EMPTY;
        size--;
        return slot;
    }

    private void grow() {
        int[] oldKeys = keys;
        int[] oldValues = values;
        keys = new int[oldKeys.length * 2];
        values = new int[oldKeys.length * 2];
        Arrays.fill(keys, EMPTY);
        size = 0;
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldKeys[i] != EMPTY) {
                put(oldKeys[i], oldValues[i]);
            }
        }
    }

    private static int hash(int fd) {
        // Descriptors are small and dense; spread them so neighbours do not share probe runs.
        return fd * 0x9E3779B9 >>> 7 ^ fd;
    }
}

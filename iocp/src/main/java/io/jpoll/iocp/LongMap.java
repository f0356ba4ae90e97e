package io.jpoll.iocp;

import java.util.Arrays;
import java.util.function.Consumer;

/**
 * A map from non-zero {@code long} keys to objects, by open addressing with linear probing: a
 * dequeued completion finds its socket by the OVERLAPPED address without boxing the key. Not
 * thread-safe.
 *
 * @param <V> the value type
 */
final class LongMap<V> {
    private long[] keys;
    private Object[] values;
    private int size;

    LongMap() {
        keys = new long[16];
        values = new Object[16];
    }

    int size() {
        return size;
    }

    @SuppressWarnings("unchecked")
    V get(long key) {
        int mask = keys.length - 1;
        for (int i = index(key, mask); ; i = (i + 1) & mask) {
            long k = keys[i];
            if (k == key) {
                return (V) values[i];
            }
            if (k == 0) {
                return null;
            }
        }
    }

    /** Adds or replaces the value of {@code key}, which must not be 0. */
    void put(long key, V value) {
        if (key == 0) {
            throw new IllegalArgumentException("LongMap: key 0 is the empty marker");
        }
        if ((size + 1) * 4 > keys.length * 3) {
            grow();
        }
        int mask = keys.length - 1;
        int i = index(key, mask);
        while (keys[i] != 0 && keys[i] != key) {
            i = (i + 1) & mask;
        }
        if (keys[i] == 0) {
            size++;
        }
        keys[i] = key;
        values[i] = value;
    }

    /** Removes {@code key}; returns its value or null. */
    @SuppressWarnings("unchecked")
    V remove(long key) {
        int mask = keys.length - 1;
        int i = index(key, mask);
        while (keys[i] != key) {
            if (keys[i] == 0) {
                return null;
            }
            i = (i + 1) & mask;
        }
        V old = (V) values[i];
        size--;
        // Backward-shift deletion: move later entries of the probe run into the hole, so lookups
        // never need tombstones.
        int hole = i;
        for (int j = (i + 1) & mask; keys[j] != 0; j = (j + 1) & mask) {
            int home = index(keys[j], mask);
            boolean movable = hole <= j ? (home <= hole || home > j) : (home <= hole && home > j);
            if (movable) {
                keys[hole] = keys[j];
                values[hole] = values[j];
                hole = j;
            }
        }
        keys[hole] = 0;
        values[hole] = null;
        return old;
    }

    /** Calls {@code action} with every value; it must not change the map. */
    @SuppressWarnings("unchecked")
    void forEachValue(Consumer<? super V> action) {
        for (int i = 0; i < keys.length; i++) {
            if (keys[i] != 0) {
                action.accept((V) values[i]);
            }
        }
    }

    private void grow() {
        long[] oldKeys = keys;
        Object[] oldValues = values;
        keys = new long[oldKeys.length * 2];
        values = new Object[oldKeys.length * 2];
        size = 0;
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldKeys[i] != 0) {
                @SuppressWarnings("unchecked")
                V v = (V) oldValues[i];
                put(oldKeys[i], v);
            }
        }
        Arrays.fill(oldValues, null);
    }

    private static int index(long key, int mask) {
        long h = key * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 32)) & mask;
    }
}

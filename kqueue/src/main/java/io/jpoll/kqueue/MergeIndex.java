package io.jpoll.kqueue;

/**
 * Which event of the sink a registration's record went to during the decoding of one kevent()
 * result, so that its other filter's record merges into the same event instead of adding a second
 * one. Keys are registration udata values (never 0). Open addressing sized for the buffer's record
 * count; {@link #reset()} clears only the cells it used, so a poll costs O(records), not O(table).
 * One per poll buffer, used by one thread at a time.
 */
final class MergeIndex {
    private final long[] keys;
    private final int[] values;
    private final int[] used;
    private int usedCount;

    /**
     * Allocates the table once, sized for the largest decode.
     *
     * @param records the most records one decode sees
     */
    MergeIndex(int records) {
        int cells = Integer.highestOneBit(Math.max(4, records) * 2 - 1) << 1;
        keys = new long[cells];
        values = new int[cells];
        used = new int[records];
    }

    /** How many registrations this poll has recorded. */
    int size() {
        return usedCount;
    }

    void reset() {
        for (int i = 0; i < usedCount; i++) {
            keys[used[i]] = 0;
        }
        usedCount = 0;
    }

    /** The sink index recorded for {@code udata} in this decode, or -1. */
    int get(long udata) {
        int mask = keys.length - 1;
        for (int i = spread(udata) & mask; ; i = (i + 1) & mask) {
            long k = keys[i];
            if (k == udata) {
                return values[i];
            }
            if (k == 0) {
                return -1;
            }
        }
    }

    /** Records {@code udata} (absent, non-zero) at sink index {@code index}. */
    void put(long udata, int index) {
        int mask = keys.length - 1;
        int i = spread(udata) & mask;
        while (keys[i] != 0) {
            i = (i + 1) & mask;
        }
        keys[i] = udata;
        values[i] = index;
        used[usedCount++] = i;
    }

    private static int spread(long udata) {
        long h = udata * 0x9E3779B97F4A7C15L;
        return (int) (h >>> 32) ^ (int) h;
    }
}

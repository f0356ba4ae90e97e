package io.jpoll.iocp;

/**
 * One AFD helper handle and how many sockets use it. Sharing a handle keeps the handle count low;
 * capping the sharing keeps the driver's per-handle poll list short, since each completion and
 * each cancel walks it. 32 is what wepoll and mio settled on.
 */
final class PollGroup {
    static final int CAPACITY = 32;

    final long helper;
    private int users;

    PollGroup(long helper) {
        this.helper = helper;
    }

    boolean isFull() {
        return users >= CAPACITY;
    }

    void acquire() {
        users++;
    }

    void release() {
        users--;
    }
}

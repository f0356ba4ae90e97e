package io.jpoll.it;

import io.jpoll.Poll;

import java.util.Arrays;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Tells when another thread is parked inside {@link Poll#poll}, so a test can wake or close it
 * exactly then instead of sleeping and hoping.
 *
 * <p>The sign is the thread's own stack: a {@code Poll.poll} frame with a native method on top
 * (the OS wait, or a park). That is observable from outside without any backend internals.
 */
final class Pollers {
    private static final long PATIENCE_NANOS = TimeUnit.SECONDS.toNanos(5);

    private Pollers() {
    }

    /** Returns once {@code poller} is blocked in {@code Poll.poll}; fails after 5 s or if it ends. */
    static void awaitBlockedInPoll(Thread poller) {
        long deadline = System.nanoTime() + PATIENCE_NANOS;
        while (true) {
            if (!poller.isAlive()) {
                fail(poller.getName() + " ended before it blocked in Poll.poll");
            }
            StackTraceElement[] stack = poller.getStackTrace();
            if (insidePoll(stack)) {
                return;
            }
            if (System.nanoTime() - deadline > 0) {
                fail(poller.getName() + " did not block in Poll.poll within 5 s; its stack: " + Arrays.toString(stack));
            }
            Thread.yield();
        }
    }

    private static boolean insidePoll(StackTraceElement[] stack) {
        // A JNA call shows as a native frame; an FFM downcall's frames are hidden, so its stack
        // ends in the backend's FFM binding's method.
        if (stack.length == 0 || !(stack[0].isNativeMethod() || stack[0].getClassName().equals("io.jpoll.epoll.FfmEpollNative")
                || stack[0].getClassName().equals("io.jpoll.kqueue.FfmKernel"))) {
            return false;
        }
        for (StackTraceElement frame : stack) {
            if (frame.getClassName().equals(Poll.class.getName()) && frame.getMethodName().equals("poll")) {
                return true;
            }
        }
        return false;
    }
}

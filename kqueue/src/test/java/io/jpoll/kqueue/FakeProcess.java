package io.jpoll.kqueue;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/**
 * A {@link ProcessHandle} for a {@link FakeKernel} process: its pid, and whether the process it was
 * made for is alive, as the JDK's start-time check would answer (so a pid reused by another fake
 * process does not make it alive again).
 */
final class FakeProcess implements ProcessHandle {
    private final long pid;
    private final BooleanSupplier alive;

    FakeProcess(long pid, BooleanSupplier alive) {
        this.pid = pid;
        this.alive = alive;
    }

    @Override
    public long pid() {
        return pid;
    }

    @Override
    public boolean isAlive() {
        return alive.getAsBoolean();
    }

    @Override
    public Optional<ProcessHandle> parent() {
        return Optional.empty();
    }

    @Override
    public Stream<ProcessHandle> children() {
        return Stream.empty();
    }

    @Override
    public Stream<ProcessHandle> descendants() {
        return Stream.empty();
    }

    @Override
    public Info info() {
        throw new UnsupportedOperationException("fake process");
    }

    @Override
    public CompletableFuture<ProcessHandle> onExit() {
        throw new UnsupportedOperationException("fake process");
    }

    @Override
    public boolean supportsNormalTermination() {
        return false;
    }

    @Override
    public boolean destroy() {
        return false;
    }

    @Override
    public boolean destroyForcibly() {
        return false;
    }

    @Override
    public int compareTo(ProcessHandle other) {
        return Long.compare(pid, other.pid());
    }

    @Override
    public String toString() {
        return "fake process " + pid;
    }
}

package io.jpoll.iocp;

import io.jpoll.spi.Backend;
import io.jpoll.spi.Selector;

import java.io.IOException;

/**
 * The Windows backend: an I/O completion port that receives the completions of IOCTL_AFD_POLL
 * requests, the readiness mechanism under wepoll, mio, libuv and the JDK's own WEPoll selector.
 * Windows x86_64 only. Found through {@link java.util.ServiceLoader}. Support is decided once, by
 * {@link Natives} binding kernel32, ntdll and ws2_32; loading this class on another OS touches no
 * Windows DLL.
 */
public final class IocpBackend implements Backend {
    /** The rank among supported backends: IOCP is the one Windows queue, so the highest. */
    static final int PRIORITY = 100;

    /** Called by {@link java.util.ServiceLoader}. */
    public IocpBackend() {
    }

    @Override
    public String name() {
        return "iocp";
    }

    @Override
    public boolean isSupported() {
        return unsupportedReason() == null;
    }

    @Override
    public String unsupportedReason() {
        return Natives.failure();
    }

    @Override
    public int priority() {
        return PRIORITY;
    }

    @Override
    public Selector open() throws IOException {
        if (!isSupported()) {
            throw unsupportedHere();
        }
        return new IocpSelector(WindowsAfdPort.open());
    }
}

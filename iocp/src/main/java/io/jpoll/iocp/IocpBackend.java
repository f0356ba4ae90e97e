package io.jpoll.iocp;

import io.jpoll.spi.Backend;
import io.jpoll.spi.Selector;

import java.io.IOException;

/**
 * The Windows backend: an I/O completion port that receives the completions of IOCTL_AFD_POLL
 * requests, the readiness mechanism under wepoll, mio, libuv and the JDK's own WEPoll selector.
 * Windows x86_64 only. Found through {@link java.util.ServiceLoader}; loading this class on
 * another OS touches no Windows DLL.
 */
public final class IocpBackend implements Backend {
    /** Called by {@link java.util.ServiceLoader}; loads nothing native until asked. */
    public IocpBackend() {
    }

    @Override
    public String name() {
        return "iocp";
    }

    @Override
    public boolean isSupported() {
        return Natives.failure() == null;
    }

    @Override
    public String unsupportedReason() {
        return Natives.failure();
    }

    @Override
    public int priority() {
        return 100;
    }

    @Override
    public Selector open() throws IOException {
        return new IocpSelector(WindowsAfdPort.open());
    }
}

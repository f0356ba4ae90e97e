package io.jpoll.examples;

import java.io.IOException;

/** The edge-triggered, single-threaded {@code echo} against the echo contract. */
class EchoServerTest extends EchoContract {
    @Override
    RunningServer start() throws IOException {
        EchoServer echo = new EchoServer(RunningServer.ANY_LOOPBACK_PORT);
        return RunningServer.start("echo", echo::run, echo::close, echo.port(), echo::connections);
    }
}

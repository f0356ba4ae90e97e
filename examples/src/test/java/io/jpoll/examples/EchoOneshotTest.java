package io.jpoll.examples;

import java.io.IOException;

/** {@code echo-mt}: two threads polling one Poll with ONESHOT registrations, against the echo contract. */
class EchoOneshotTest extends EchoContract {
    @Override
    RunningServer start() throws IOException {
        EchoOneshot echo = new EchoOneshot(RunningServer.ANY_LOOPBACK_PORT, 2);
        return RunningServer.start("echo-mt", echo::run, echo::close, echo.port(), echo::connections);
    }
}

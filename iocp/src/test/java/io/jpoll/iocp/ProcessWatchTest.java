package io.jpoll.iocp;

import io.jpoll.AlreadyRegisteredException;
import io.jpoll.Interests;
import io.jpoll.NativeException;
import io.jpoll.NotRegisteredException;
import io.jpoll.spi.EventSink;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Process watches on the completion port, driven through {@link FakeAfdPort} and
 * {@link FakeWaitPort}. Logic tests: they show what the selector asks of the kernel, not that
 * Windows answers so.
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class ProcessWatchTest {
    private static final long WAIT = TimeUnit.SECONDS.toNanos(5);
    private static final long PID = 4242;
    private static final int R = EventSink.READABLE;

    private FakeAfdPort afd;
    private FakeWaitPort os;
    private IocpSelector selector;
    private boolean closed;

    @BeforeEach
    void open() {
        afd = new FakeAfdPort();
        os = afd.waitPort();
        selector = new IocpSelector(afd);
    }

    @AfterEach
    void close() {
        if (!closed) {
            selector.close();
        }
        assertEquals(0, os.openHandles(), "handles left open");
        assertEquals(List.of(), os.violations());
        assertEquals(List.of(), afd.violations());
    }

    private EventSink poll(long timeoutNanos) throws Exception {
        EventSink sink = new EventSink(64);
        selector.select(sink, timeoutNanos);
        return sink;
    }

    private static void assertExit(EventSink sink, long token) {
        assertEquals(1, sink.size(), "events");
        assertEquals(token, sink.token(0));
        assertEquals(R, sink.readiness(0), "readiness bits");
    }

    @Test
    void anExitIsReportedOnceAndAgainAfterReregister() throws Exception {
        os.spawn(PID);
        ProcessHandle p = os.handleOf(PID);
        selector.registerProcess(p, 5, Interests.READABLE);
        assertEquals(2, os.openHandles(), "the process handle and a wait completion packet");
        assertEquals(0, poll(0).size());
        os.exit(PID);
        assertExit(poll(WAIT), 5);
        assertEquals(0, poll(0).size(), "ONESHOT: once");
        selector.reregisterProcess(p, 6, Interests.READABLE);
        assertExit(poll(WAIT), 6);
        selector.deregisterProcess(p);
        assertEquals(0, os.openHandles(), "deregister closes both handles");
    }

    @Test
    void aProcessThatExitedAndWasReapedBeforeRegisterIsReportedAtOnce() throws Exception {
        os.spawn(PID);
        ProcessHandle p = os.handleOf(PID);
        os.exit(PID);
        os.reap(PID);
        selector.registerProcess(p, 7, Interests.READABLE);
        assertEquals(0, os.openHandles(), "OpenProcess found no such process: nothing is held");
        assertExit(poll(WAIT), 7);
        assertEquals(0, poll(0).size());
        selector.reregisterProcess(p, 8, Interests.READABLE);
        assertExit(poll(WAIT), 8);
    }

    @Test
    void aNewerProcessWithTheSamePidIsNeverWatched() throws Exception {
        os.spawn(PID);
        ProcessHandle old = os.handleOf(PID);
        os.exit(PID);
        os.reap(PID);
        os.spawn(PID); // the pid went to another process
        selector.registerProcess(old, 9, Interests.READABLE);
        assertEquals(1, os.processOpens());
        assertEquals(0, os.openHandles(), "the newer process's handle was closed unused");
        assertExit(poll(WAIT), 9);
        os.exit(PID);
        assertEquals(0, poll(0).size(), "the newer process's exit is not the registration's");
    }

    @Test
    void deregisterBeforeTheExitThenNoEvent() throws Exception {
        os.spawn(PID);
        ProcessHandle p = os.handleOf(PID);
        selector.registerProcess(p, 10, Interests.READABLE);
        selector.deregisterProcess(p);
        assertEquals(0, os.openHandles());
        os.exit(PID);
        assertEquals(0, poll(0).size());
    }

    @Test
    void deregisterWithTheExitQueuedOrInHandThenNoEvent() throws Exception {
        os.spawn(PID);
        ProcessHandle p = os.handleOf(PID);
        selector.registerProcess(p, 11, Interests.READABLE);
        os.exit(PID);
        assertEquals(1, afd.queued());
        afd.afterNextDequeue(() -> {
            try {
                selector.deregisterProcess(p);
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        });
        assertEquals(0, poll(0).size(), "a record in hand when deregister returned");
        assertEquals(0, selector.waitsArmed());
    }

    @Test
    void levelReportsTheExitAtEveryPoll() throws Exception {
        os.spawn(PID);
        os.spawn(PID + 4);
        ProcessHandle running = os.handleOf(PID);
        ProcessHandle gone = os.handleOf(PID + 4);
        os.exit(PID + 4);
        os.reap(PID + 4);
        selector.registerProcess(running, 12, Interests.READABLE.level());
        selector.registerProcess(gone, 13, Interests.READABLE.level());
        assertExit(poll(WAIT), 13);
        os.exit(PID);
        for (int i = 0; i < 3; i++) {
            EventSink sink = poll(WAIT);
            Set<Long> tokens = new HashSet<>();
            for (int e = 0; e < sink.size(); e++) {
                tokens.add(sink.token(e));
                assertEquals(R, sink.readiness(e));
            }
            assertEquals(Set.of(12L, 13L), tokens, "poll " + i);
        }
        selector.deregisterProcess(running);
        selector.deregisterProcess(gone);
        assertEquals(0, poll(0).size());
    }

    @Test
    void manyProcessesAtOnce() throws Exception {
        for (int i = 0; i < 50; i++) {
            os.spawn(1000 + 4 * i);
            selector.registerProcess(os.handleOf(1000 + 4 * i), 100 + i, Interests.READABLE);
        }
        for (int i = 0; i < 50; i++) {
            os.exit(1000 + 4 * i);
        }
        Set<Long> tokens = new HashSet<>();
        while (tokens.size() < 50) {
            EventSink sink = poll(WAIT);
            assertTrue(sink.size() > 0, "an exit is missing");
            for (int e = 0; e < sink.size(); e++) {
                assertTrue(tokens.add(sink.token(e)), "reported twice: " + sink.token(e));
            }
        }
        assertEquals(0, poll(0).size());
    }

    @Test
    void registrationMistakesAreTheRegistrysExceptions() throws Exception {
        os.spawn(PID);
        ProcessHandle p = os.handleOf(PID);
        selector.registerProcess(p, 14, Interests.READABLE);
        AlreadyRegisteredException twice = assertThrows(AlreadyRegisteredException.class,
                () -> selector.registerProcess(p, 15, Interests.READABLE));
        assertEquals("Registry.register pid=4242 token=15: already registered with this Poll (token=14)",
                twice.getMessage());
        assertEquals(2, os.openHandles(), "the refused register opened nothing");
        os.spawn(PID + 4);
        ProcessHandle other = os.handleOf(PID + 4);
        assertThrows(NotRegisteredException.class, () -> selector.deregisterProcess(other));
        assertThrows(NotRegisteredException.class, () -> selector.reregisterProcess(other, 1, Interests.READABLE));
    }

    @Test
    void openProcessFailuresNameTheCallThePidAndTheToken() throws Exception {
        os.spawn(PID);
        os.failOpenProcess(FakeWaitPort.ERROR_ACCESS_DENIED);
        NativeException e = assertThrows(NativeException.class,
                () -> selector.registerProcess(os.handleOf(PID), 16, Interests.READABLE));
        assertEquals("OpenProcess(SYNCHRONIZE | PROCESS_QUERY_LIMITED_INFORMATION) pid=4242 token=16:"
                + " ERROR_ACCESS_DENIED (Access is denied)", e.getMessage());
        os.failOpenProcess(0);

        os.failAssociate(FakeWaitPort.STATUS_INVALID_PARAMETER);
        e = assertThrows(NativeException.class, () -> selector.registerProcess(os.handleOf(PID), 17, Interests.READABLE));
        assertTrue(e.getMessage().startsWith("NtAssociateWaitCompletionPacket handle="), e.getMessage());
        assertTrue(e.getMessage().endsWith(" process 4242 token=17: STATUS_INVALID_PARAMETER"
                + " (An invalid parameter was passed to a service or function)"), e.getMessage());
        assertEquals(0, os.openHandles(), "a failed register keeps nothing open");
        os.failAssociate(0);
        selector.registerProcess(os.handleOf(PID), 18, Interests.READABLE);
    }

    @Test
    void aLiveProcessThatCannotBeOpenedIsAnErrorNotAnExit() throws Exception {
        os.spawn(0);
        os.unopenable(0); // OpenProcess refuses the System Idle Process with ERROR_INVALID_PARAMETER
        NativeException e = assertThrows(NativeException.class,
                () -> selector.registerProcess(os.handleOf(0), 19, Interests.READABLE));
        assertEquals("OpenProcess(SYNCHRONIZE | PROCESS_QUERY_LIMITED_INFORMATION) pid=0 token=19:"
                + " ERROR_INVALID_PARAMETER (The parameter is incorrect)", e.getMessage());
        assertEquals(0, poll(0).size());
    }

    @Test
    void closeReleasesEveryProcessHandleAndPacketOnce() throws Exception {
        ProcessHandle[] handles = new ProcessHandle[10];
        for (int i = 0; i < 10; i++) {
            os.spawn(2000 + 4 * i);
            handles[i] = os.handleOf(2000 + 4 * i);
        }
        os.exit(2000);
        os.reap(2000);
        for (int i = 0; i < 10; i++) {
            selector.registerProcess(handles[i], i, Interests.READABLE);
        }
        os.exit(2004); // its packet is queued at close
        assertEquals(18, os.openHandles());
        selector.close();
        closed = true;
        assertEquals(0, os.openHandles());
        assertEquals(os.opened(), os.closed());
        assertTrue(os.portClosed());
    }
}

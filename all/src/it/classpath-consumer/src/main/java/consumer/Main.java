package consumer;

import io.jpoll.Events;
import io.jpoll.Interests;
import io.jpoll.Poll;
import io.jpoll.Source;

import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.time.Duration;
import java.util.Locale;

/** Opens a Poll through io.jpoll:jpoll alone and proves it works: the OS's backend, one real event. */
public final class Main {
    public static void main(String[] args) throws Exception {
        String expectedModule = args[0];
        String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
        String expected = os.startsWith("windows") ? "iocp" : os.startsWith("linux") ? "epoll" : "kqueue";
        String module = Poll.class.getModule().isNamed() ? Poll.class.getModule().getName() : "unnamed";
        check(module.equals(expectedModule), "jpoll's module is " + module + ", expected " + expectedModule);
        try (Poll poll = Poll.open()) {
            check(poll.backend().equals(expected), "backend " + poll.backend() + ", expected " + expected);
            Pipe pipe = Pipe.open();
            pipe.source().configureBlocking(false);
            poll.registry().register(Source.of(pipe.source()), 42, Interests.READABLE);
            pipe.sink().write(ByteBuffer.wrap(new byte[]{1}));
            Events events = new Events(4);
            poll.poll(events, Duration.ofSeconds(5));
            check(events.size() == 1 && events.token(0) == 42 && events.isReadable(0), "events " + events);
            System.out.println("consumer OK: backend " + poll.backend() + ", module " + module + ", " + events
                    + ", on JDK " + Runtime.version());
        }
    }

    private static void check(boolean ok, String what) {
        if (!ok) {
            System.err.println("consumer FAILED: " + what);
            System.exit(1);
        }
    }
}

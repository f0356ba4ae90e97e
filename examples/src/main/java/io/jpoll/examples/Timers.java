package io.jpoll.examples;

import java.io.File;
import java.lang.ProcessBuilder.Redirect;
import java.time.Duration;
import java.util.Arrays;

/**
 * Timers, a child's output and its exit in one loop ({@link CommandWatch}): runs a command with a
 * deadline, printing its stdout and stderr lines, a tick every 500 ms, a note after 1.5 s without
 * output, and the exit. Without arguments, a short script that writes to both streams, pauses,
 * and would outlive the 4 s deadline. Unix only: a child's stdio as pipes is not offered on Windows.
 */
public final class Timers {
    static final Duration TICK = Duration.ofMillis(500);
    static final Duration QUIET = Duration.ofMillis(1500);
    static final String DEMO = "echo starting; sleep 1; echo working >&2; sleep 2; echo almost done; exec sleep 10";

    private Timers() {
    }

    public static void main(String[] args) throws Exception {
        Duration deadline = Duration.ofSeconds(args.length > 0 ? Long.parseLong(args[0]) : 4);
        String[] command = args.length > 1 ? Arrays.copyOfRange(args, 1, args.length) : new String[]{"sh", "-c", DEMO};
        ProcessBuilder builder = new ProcessBuilder(command).redirectInput(Redirect.from(new File("/dev/null")));
        try {
            new CommandWatch(System.out, TICK, QUIET, deadline).run(builder);
        } catch (UnsupportedOperationException e) {
            System.err.println(e.getMessage());
            System.exit(1);
        }
    }
}

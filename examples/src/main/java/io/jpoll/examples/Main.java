package io.jpoll.examples;

import java.util.Arrays;

/** Runs one example by name: {@code java -jar jpoll-examples.jar delays}. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) throws Exception {
        String name = args.length == 0 ? "" : args[0];
        String[] rest = args.length == 0 ? args : Arrays.copyOfRange(args, 1, args.length);
        switch (name) {
            case "delays":
                Delays.main(rest);
                break;
            case "echo":
                EchoServer.main(rest);
                break;
            case "echo-mt":
                EchoOneshot.main(rest);
                break;
            case "http":
                HttpHello.main(rest);
                break;
            case "stdin":
                StdinReader.main(rest);
                break;
            case "timers":
                Timers.main(rest);
                break;
            case "doctor":
                Doctor.main(rest);
                break;
            default:
                System.err.println("usage: java -jar jpoll-examples.jar <example> [options]\n"
                        + "  delays                  five requests answered after 4, 3, 2, 1, 0 s; replies arrive in reverse\n"
                        + "  echo [port]             echo server, edge-triggered, one thread (default port 7000)\n"
                        + "  echo-mt [port] [n]      echo server, n threads (default 2) polling one Poll, ONESHOT\n"
                        + "                          registrations re-armed after each event (default port 7000)\n"
                        + "  http [port]             HTTP/1.1 keep-alive hello server (default port 8080), fit for wrk,\n"
                        + "                          run after run\n"
                        + "  stdin                   prints standard input line by line as the Poll reports it (Unix)\n"
                        + "  timers [s [command...]] runs a command (default: a demo script) with a deadline of s seconds\n"
                        + "                          (default 4): its output, ticks, silence and exit as events (Unix)\n"
                        + "  doctor                  OS, backend, triggers, JNA version, and a self-check\n"
                        + "Port 0 picks a free port; the servers print the one they listen on.");
                System.exit(name.isEmpty() ? 0 : 2);
        }
    }
}

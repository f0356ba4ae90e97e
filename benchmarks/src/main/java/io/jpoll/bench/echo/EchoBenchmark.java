package io.jpoll.bench.echo;

import io.jpoll.bench.Jvm;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

/**
 * Benchmark 7: TCP echo over loopback. One server thread (jpoll, a JDK Selector, or one Netty
 * native-epoll event loop) against the same load generator on the benchmark thread; the score is
 * echoed messages per second.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {Jvm.NATIVE_ACCESS, Jvm.EXPORT_NIO})
public class EchoBenchmark {
    /** Messages per invocation: every connection keeps one in flight meanwhile. */
    static final int BATCH = 256;

    @State(Scope.Thread)
    public static class Load {
        @Param({"jpoll", "selector", "netty"})
        public String server;
        @Param({"1", "16", "256"})
        public int connections;
        @Param({"64", "4096"})
        public int size;

        EchoServer echo;
        LoadGenerator load;

        @Setup(Level.Trial)
        public void setup() throws IOException, InterruptedException {
            echo = EchoServer.start(server);
            load = LoadGenerator.connect(echo.address(), connections, size);
            load.start();
        }

        @TearDown(Level.Trial)
        public void close() throws IOException, InterruptedException {
            if (load != null) {
                load.close();
            }
            if (echo != null) {
                echo.close();
            }
        }
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void echo(Load s) throws IOException {
        s.load.complete(BATCH);
    }
}

package io.jpoll.bench.footprint;

import io.jpoll.Interests;
import io.jpoll.Poll;
import io.jpoll.Source;
import io.jpoll.bench.Closer;
import io.jpoll.bench.Limits;

import java.io.IOException;
import java.io.Writer;
import java.lang.management.ManagementFactory;
import java.lang.ref.Reference;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Heap bytes one registration keeps alive: jpoll against a Selector's key and bookkeeping.
 * Registers {@code count} idle UDP sockets, and divides the growth of the live heap (measured
 * after full collections) by the count. Kernel memory (epoll's own record per fd) is the same
 * for both and not on the heap.
 *
 * <p>Usage: {@code Footprint <count> <out.json>}
 */
public final class Footprint {
    private Footprint() {
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        if (args.length != 2) {
            throw new IllegalArgumentException("usage: Footprint <registrations> <out.json>");
        }
        int count = Integer.parseInt(args[0]);
        DatagramChannel[] channels = openChannels(count);
        try {
            // A first pass of each initialises classes and static state, which are not per registration.
            jpoll(channels, true);
            selector(channels);
            double jpoll = jpoll(channels, false);
            double jpollWithSources = jpoll(channels, true);
            double selector = selector(channels);
            String json = String.format(Locale.ROOT, "{\"registrations\":%d,\"jpollBytes\":%.1f,"
                    + "\"jpollBytesKeepingSources\":%.1f,\"selectorBytes\":%.1f}%n", count, jpoll,
                    jpollWithSources, selector);
            try (Writer w = Files.newBufferedWriter(Path.of(args[1]), StandardCharsets.UTF_8)) {
                w.write(json);
            }
            System.out.print(json);
        } finally {
            IOException first = null;
            for (DatagramChannel c : channels) {
                first = Closer.close(c, first);
            }
            if (first != null) {
                throw first;
            }
        }
    }

    /** jpoll keeps nothing per registration on the heap; a caller may keep its Source objects. */
    private static double jpoll(DatagramChannel[] channels, boolean keepSources) throws IOException, InterruptedException {
        try (Poll poll = Poll.open()) {
            Source[] kept = keepSources ? new Source[channels.length] : null;
            long before = liveHeap();
            Interests interests = Interests.READABLE.level();
            for (int i = 0; i < channels.length; i++) {
                Source source = Source.of(channels[i]);
                poll.registry().register(source, i, interests);
                if (kept != null) {
                    kept[i] = source;
                }
            }
            long after = liveHeap();
            Reference.reachabilityFence(kept);
            for (DatagramChannel c : channels) {
                poll.registry().deregister(Source.of(c));
            }
            return (after - before) / (double) channels.length;
        }
    }

    private static double selector(DatagramChannel[] channels) throws IOException, InterruptedException {
        try (Selector selector = Selector.open()) {
            long before = liveHeap();
            for (int i = 0; i < channels.length; i++) {
                channels[i].register(selector, SelectionKey.OP_READ);
            }
            // Registration is only complete once a selection has taken the keys in.
            selector.selectNow();
            long after = liveHeap();
            return (after - before) / (double) channels.length;
        }
    }

    private static DatagramChannel[] openChannels(int count) throws IOException {
        DatagramChannel[] channels = new DatagramChannel[count];
        try {
            for (int i = 0; i < count; i++) {
                channels[i] = DatagramChannel.open();
                channels[i].configureBlocking(false);
            }
        } catch (IOException e) {
            for (DatagramChannel c : channels) {
                Closer.close(c, null);
            }
            throw Limits.explain(e, "Footprint: opening " + count + " UDP sockets");
        }
        return channels;
    }

    /** The live heap after collections, once it has stopped shrinking. */
    private static long liveHeap() throws InterruptedException {
        long last = Long.MAX_VALUE;
        for (int i = 0; i < 10; i++) {
            System.gc();
            Thread.sleep(20);
            long used = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
            if (used >= last) {
                return Math.min(used, last);
            }
            last = used;
        }
        return last;
    }
}

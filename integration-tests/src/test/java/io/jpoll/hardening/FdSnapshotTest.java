package io.jpoll.hardening;

import io.jpoll.fd.FdNumbers;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.opentest4j.AssertionFailedError;

import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The descriptor check the leak and close-race tests rest on: it names every descriptor that
 * vanished, appeared or changed, with its target, and it does not count the files HotSpot opens
 * and closes for itself on its own threads (its cgroup and /proc reads), which a listing can catch
 * half-way and which made CloseRaceTest fail once with "fd 26 open before, gone after".
 */
@EnabledOnOs(OS.LINUX)
@Timeout(30)
class FdSnapshotTest {
    @BeforeEach
    void linuxHelpers() {
        assumeTrue(LinuxC.SUPPORTED, "needs the Linux libc helpers");
    }

    @Test
    void filesTheJvmReadsForItselfAreNotCounted() throws Exception {
        // What HotSpot's compiler threads and VM thread do several times a second: open a cgroup or
        // /proc file, read it, close it. A listing taken in between sees it; the next one does not.
        try (Stream<Path> cgroup = Files.isDirectory(Paths.get("/sys/fs/cgroup"))
                ? Files.walk(Paths.get("/sys/fs/cgroup"), 2) : Stream.empty()) {
            Path cgroupFile = cgroup.filter(Files::isRegularFile).filter(Files::isReadable).findFirst()
                    .orElse(Paths.get("/proc/self/stat"));
            for (Path file : new Path[]{Paths.get("/proc/self/stat"), cgroupFile}) {
                Map<Integer, String> before;
                try (FileChannel read = FileChannel.open(file)) {
                    before = ProcessResources.fdTargets();
                }
                Map<Integer, String> after = ProcessResources.fdTargets();
                ProcessResources.assertSameFds(before, after, () -> "while " + file + " was read");
            }
        }
    }

    @Test
    void aVanishedDescriptorIsNamedWithItsTarget() {
        int[] pipe = LinuxC.pipe();
        try {
            Map<Integer, String> before = ProcessResources.fdTargets();
            String target = before.get(pipe[0]);
            assertTrue(target.startsWith("pipe:["), target);
            FdNumbers.close(pipe[0]); // as a double close in the code under test would
            AssertionFailedError e = assertThrows(AssertionFailedError.class, () -> ProcessResources.assertSameFds(
                    before, ProcessResources.fdTargets(), () -> "after the planted close"));
            assertEquals("after the planted close: open descriptors " + before.size() + " -> " + (before.size() - 1)
                    + ", vanished fd " + pipe[0] + " " + target, e.getMessage());
        } finally {
            FdNumbers.close(pipe[1]);
        }
    }

    @Test
    void anAppearedDescriptorIsNamedWithItsTarget() {
        Map<Integer, String> before = ProcessResources.fdTargets();
        int efd = LinuxC.eventfd(0, LinuxC.O_CLOEXEC);
        assertTrue(efd >= 0, "eventfd");
        try {
            AssertionFailedError e = assertThrows(AssertionFailedError.class, () -> ProcessResources.assertSameFds(
                    before, ProcessResources.fdTargets(), () -> "after a leak"));
            assertEquals("after a leak: open descriptors " + before.size() + " -> " + (before.size() + 1)
                    + ", appeared fd " + efd + " anon_inode:[eventfd]", e.getMessage());
        } finally {
            FdNumbers.close(efd);
        }
    }

    @Test
    void aNumberThatNowNamesAnotherFileIsAChange() {
        int[] pipe = LinuxC.pipe();
        int efd = LinuxC.eventfd(0, LinuxC.O_CLOEXEC);
        assertTrue(efd >= 0, "eventfd");
        try {
            Map<Integer, String> before = ProcessResources.fdTargets();
            String pipeTarget = before.get(pipe[0]);
            FdNumbers.close(pipe[0]);
            // The closed number taken over by another file: the count stays, the check must not.
            assertTrue(FdNumbers.dupOnto(efd, pipe[0], 5_000), "fd " + pipe[0] + " came free again");
            AssertionFailedError e = assertThrows(AssertionFailedError.class, () -> ProcessResources.assertSameFds(
                    before, ProcessResources.fdTargets(), () -> "after a reuse"));
            assertEquals("after a reuse: open descriptors " + before.size() + " -> " + before.size()
                    + ", changed fd " + pipe[0] + " " + pipeTarget + " -> anon_inode:[eventfd]", e.getMessage());
        } finally {
            FdNumbers.close(pipe[0]);
            FdNumbers.close(pipe[1]);
            FdNumbers.close(efd);
        }
    }

    @Test
    void anAppearedSocketSaysWhatItIs() throws Exception {
        Map<Integer, String> before = ProcessResources.fdTargets();
        try (java.nio.channels.ServerSocketChannel listener = java.nio.channels.ServerSocketChannel.open()) {
            listener.bind(new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0));
            String changes = ProcessResources.fdChanges(before, ProcessResources.fdTargets());
            assertTrue(changes.matches("appeared fd \\d+ socket:\\[\\d+\\] \\(tcp6?: .*\\)"), changes);
        }
    }
}

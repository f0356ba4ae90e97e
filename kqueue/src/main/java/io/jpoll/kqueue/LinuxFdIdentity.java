package io.jpoll.kqueue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Paths;

/**
 * libkqueue only (Linux): which open file a descriptor number stands for, read from
 * {@code /proc/self/fd/N} (like {@code socket:[81234]}, {@code pipe:[5678]} or a path). It tells a
 * number that was closed and handed out again from the one registered, which libkqueue itself
 * cannot (it keeps a closed fd's knotes). Read once per register, never on the poll path.
 *
 * <p>Sockets and pipes name their inode, so a reused number always reads differently. Anonymous
 * inodes (eventfd, timerfd) all read alike; for them a reused number still counts as the same
 * file, and register answers AlreadyRegistered until the old registration is deregistered.
 */
final class LinuxFdIdentity {
    private LinuxFdIdentity() {
    }

    /** The link target of {@code /proc/self/fd/fd}, or null if it cannot be read. */
    static String of(int fd) {
        try {
            return Files.readSymbolicLink(Paths.get("/proc/self/fd", Integer.toString(fd))).toString();
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return null;
        }
    }

    /** Whether two identities name different files; unknown identities never differ. */
    static boolean differ(String registered, String now) {
        return registered != null && now != null && !registered.equals(now);
    }
}

package io.jpoll;

import io.jpoll.spi.Platform;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.function.Predicate;

/**
 * The file name under which this process can open one of its own descriptors again, which is how
 * {@link ChildPipes} hands a pipe end to {@link ProcessBuilder}: the JDK only redirects a child's
 * stdio to files, and opens them in the parent before the fork. Linux has {@code /proc/self/fd/N}
 * (a new open of the same pipe); macOS and the BSDs have {@code /dev/fd/N} (a dup of the
 * descriptor), where FreeBSD and DragonFly list more than 0 to 2 only with fdescfs mounted.
 */
final class DescriptorPath {
    private final Platform.Os os;
    private final Predicate<Path> exists;

    DescriptorPath(Platform.Os os, Predicate<Path> exists) {
        this.os = os;
        this.exists = exists;
    }

    /** For this JVM's OS and file system. */
    static DescriptorPath here() {
        return new DescriptorPath(Platform.os(), Files::exists);
    }

    /**
     * Refuses at once where no OS path can exist, before anything is opened.
     *
     * @throws UnsupportedOperationException on Windows and on an OS jpoll does not know
     */
    void checkOs(String operation) {
        if (os == Platform.Os.WINDOWS) {
            throw new UnsupportedOperationException(operation + ": not offered on Windows, where a child's"
                    + " stdio can only be an anonymous or named pipe HANDLE and a JDK Pipe is a pair of loopback"
                    + " sockets that a child cannot take as its stdio. Read Process.getInputStream() and"
                    + " getErrorStream() on threads of their own; Source.process(process.toHandle()) reports"
                    + " the exit through a Poll");
        }
        if (!os.isUnix()) {
            throw new UnsupportedOperationException(operation + ": " + Platform.describe()
                    + " is not an OS jpoll knows a descriptor path (/proc/self/fd or /dev/fd) for");
        }
    }

    /**
     * The path of {@code fd}, which must be open in this process.
     *
     * @throws UnsupportedOperationException if the OS does not show it there, naming the fix
     */
    Path of(String operation, int fd) {
        checkOs(operation);
        Path path = os == Platform.Os.LINUX ? Paths.get("/proc/self/fd", Integer.toString(fd))
                : Paths.get("/dev/fd", Integer.toString(fd));
        if (exists.test(path)) {
            return path;
        }
        if (os == Platform.Os.LINUX) {
            throw new UnsupportedOperationException(operation + ": " + path + " does not exist: procfs is not"
                    + " mounted on /proc in this process's mount namespace; mount it (mount -t proc proc /proc)");
        }
        if (os == Platform.Os.FREEBSD || os == Platform.Os.DRAGONFLY) {
            throw new UnsupportedOperationException(operation + ": " + path + " does not exist: without fdescfs,"
                    + " /dev/fd lists descriptors 0 to 2 only; mount it (mount -t fdescfs fdesc /dev/fd, or the"
                    + " line 'fdesc /dev/fd fdescfs rw 0 0' in /etc/fstab)");
        }
        throw new UnsupportedOperationException(operation + ": " + path + " does not exist on "
                + Platform.describe() + ", so the child cannot be handed descriptor " + fd);
    }
}

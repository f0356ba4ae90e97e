package io.jpoll;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Field;
import java.nio.channels.SelectableChannel;

/**
 * Reads the file descriptor (on Windows, the SOCKET) behind a JDK channel, once per
 * {@link Source#of}; never on a hot path.
 *
 * <p>The JDK keeps it in {@code sun.nio.ch.SelChImpl.getFDVal()}, an interface of a package that
 * java.base does not export. Two ways in, best first:
 * <ol>
 *   <li>when the JVM runs with {@value #EXPORT_FLAG} (or {@code =io.jpoll} on the module path),
 *       a method handle to {@code getFDVal()}: supported, quiet, no JDK internals touched;</li>
 *   <li>otherwise {@code sun.misc.Unsafe} reads the channel's {@code fdVal} field, so it works
 *       with no flags on JDK 17 to 25 (JDK 24+ prints its one-time Unsafe deprecation warning).</li>
 * </ol>
 * When neither works (no export, and Unsafe absent or refusing memory access, as JDK 24+ does with
 * {@value #DENY_FLAG}) the exception names the flag to add and says why.
 */
final class ChannelDescriptor {
    static final String EXPORT_FLAG = "--add-exports java.base/sun.nio.ch=ALL-UNNAMED";
    static final String DENY_FLAG = "--sun-misc-unsafe-memory-access=deny";

    private ChannelDescriptor() {
    }

    static int of(SelectableChannel channel) {
        if (Exported.GET_FD_VAL != null && Exported.SEL_CH_IMPL.isInstance(channel)) {
            try {
                return (int) Exported.GET_FD_VAL.invoke(channel);
            } catch (Throwable e) {
                throw new IllegalStateException("Source.of: cannot read the fd of " + channel, e);
            }
        }
        return viaUnsafe(channel);
    }

    static int viaUnsafe(SelectableChannel channel) {
        if (FieldOffsets.UNSAFE == null) {
            throw unreadable(channel, "sun.misc.Unsafe is not available", FieldOffsets.FAILURE);
        }
        try {
            long offset = FieldOffsets.OFFSETS.get(channel.getClass());
            if (offset < 0) {
                throw new IllegalArgumentException("Source.of: " + channel.getClass().getName()
                        + " is not a JDK socket, datagram or pipe channel (no fdVal field); only the default"
                        + " SelectorProvider's channels can be registered");
            }
            return FieldOffsets.UNSAFE.getInt(channel, offset);
        } catch (UnsupportedOperationException e) {
            // JDK 24+ throws this from every Unsafe memory access under DENY_FLAG (JEP 471).
            throw unreadable(channel, "sun.misc.Unsafe refused memory access (" + e.getMessage()
                    + "), as JDK 24 and later do with " + DENY_FLAG, e);
        }
    }

    private static IllegalStateException unreadable(SelectableChannel channel, String why, Throwable cause) {
        return new IllegalStateException("Source.of: cannot read the fd of " + channel + ": java.base does not"
                + " export sun.nio.ch to jpoll, and the fallback failed: " + why
                + "; run the JVM with " + EXPORT_FLAG + " (or =io.jpoll on the module path)", cause);
    }

    /** The exported route, resolved once. */
    private static final class Exported {
        static final Class<?> SEL_CH_IMPL;
        static final MethodHandle GET_FD_VAL;

        static {
            Class<?> type = null;
            MethodHandle handle = null;
            Module base = Object.class.getModule();
            if (base.isExported("sun.nio.ch", ChannelDescriptor.class.getModule())) {
                try {
                    type = Class.forName("sun.nio.ch.SelChImpl");
                    handle = MethodHandles.lookup().findVirtual(type, "getFDVal", MethodType.methodType(int.class));
                } catch (ReflectiveOperationException | RuntimeException e) {
                    type = null;
                    handle = null;
                }
            }
            SEL_CH_IMPL = type;
            GET_FD_VAL = handle;
        }
    }

    /** The fallback route: the offset of {@code int fdVal} per channel class, -1 when absent. */
    private static final class FieldOffsets {
        static final sun.misc.Unsafe UNSAFE;
        static final Throwable FAILURE;

        static {
            sun.misc.Unsafe unsafe = null;
            Throwable failure = null;
            try {
                Field f = sun.misc.Unsafe.class.getDeclaredField("theUnsafe");
                f.setAccessible(true);
                unsafe = (sun.misc.Unsafe) f.get(null);
            } catch (ReflectiveOperationException | RuntimeException e) {
                failure = e;
            }
            UNSAFE = unsafe;
            FAILURE = failure;
        }

        static final ClassValue<Long> OFFSETS = new ClassValue<>() {
            @Override
            protected Long computeValue(Class<?> type) {
                for (Class<?> c = type; c != null; c = c.getSuperclass()) {
                    try {
                        Field f = c.getDeclaredField("fdVal");
                        return f.getType() == int.class ? UNSAFE.objectFieldOffset(f) : -1L;
                    } catch (NoSuchFieldException e) {
                        // keep looking in the superclass
                    }
                }
                return -1L;
            }
        };
    }
}

package io.jpoll.kqueue;

import java.util.Locale;

/**
 * Chooses, once per JVM, how the kqueue backend calls the OS: {@code java.lang.foreign} on JDK 22
 * and later, JNA otherwise, exactly as the epoll backend chooses (the same
 * {@code -Djpoll.native=jna|ffm} forces one). Where FFM cannot be used the backend falls back to
 * JNA and says why at DEBUG: the binding is never a reason for a Poll not to open.
 *
 * <p>JNA is consulted either way: it finds the profile ({@link Binding}), including which
 * {@code kevent} symbol version FreeBSD's libc binds, and the FFM binding calls the symbols it
 * found. So both bindings call the same functions of the same library.
 */
final class KernelBinding {
    static final String PROPERTY = "jpoll.native";
    /** The FFM binding, compiled with release 22 into {@code META-INF/versions/22} of the jar. */
    private static final String FFM_CLASS = "io.jpoll.kqueue.FfmKernel";

    /** The binding and why it was chosen, as {@code doctor} and the logs show it. */
    static final class Choice {
        final Kernel calls;
        final String description;

        Choice(Kernel calls, String description) {
            this.calls = calls;
            this.description = description;
        }
    }

    private static final Choice CHOSEN = choose(System.getProperty(PROPERTY), Runtime.version().feature());
    static final Kernel NATIVE = CHOSEN.calls;

    static {
        System.getLogger("io.jpoll.kqueue").log(System.Logger.Level.DEBUG, "jpoll kqueue: native binding " + CHOSEN.description);
    }

    private KernelBinding() {
    }

    /** Like {@code ffm} or {@code jna (ffm unavailable: ...)}. */
    static String describe() {
        return CHOSEN.description;
    }

    /** The choice for a requested binding (null: automatic) on a JDK of the given feature release. */
    static Choice choose(String requested, int jdkFeature) {
        String wanted = requested == null || requested.isBlank() ? "" : requested.trim().toLowerCase(Locale.ROOT);
        if (wanted.equals("jna")) {
            return new Choice(JnaKernel.INSTANCE, "jna (forced by -D" + PROPERTY + "=jna)");
        }
        String prefix = wanted.equals("ffm") ? "jna (-D" + PROPERTY + "=ffm asked for ffm, unavailable: "
                : wanted.isEmpty() ? "jna (ffm unavailable: "
                : "jna (-D" + PROPERTY + "=" + requested + " is neither ffm nor jna; ffm unavailable: ";
        if (jdkFeature < 22) {
            return new Choice(JnaKernel.INSTANCE, prefix + "JDK " + jdkFeature
                    + " has no final java.lang.foreign, which needs JDK 22 or later)");
        }
        Binding bound = Natives.binding();
        if (bound.profile == null) {
            // Nothing will be called: isSupported() is false and says why.
            return new Choice(JnaKernel.INSTANCE, prefix + "kqueue is not bound here)");
        }
        try {
            Class<?> ffm = Class.forName(FFM_CLASS, true, KernelBinding.class.getClassLoader());
            Kernel calls = (Kernel) ffm.getDeclaredField("INSTANCE").get(null);
            return new Choice(calls, "ffm");
        } catch (ExceptionInInitializerError e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            return new Choice(JnaKernel.INSTANCE, prefix + cause + ")");
        } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
            return new Choice(JnaKernel.INSTANCE, prefix + e + ")");
        }
    }
}

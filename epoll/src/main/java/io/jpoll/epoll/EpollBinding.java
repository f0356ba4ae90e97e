package io.jpoll.epoll;

/**
 * Chooses, once per JVM, how the epoll backend calls the OS: {@code java.lang.foreign} on JDK 22
 * and later (its downcalls cost close to a C call, where JNA's dispatch costs more on every newer
 * JDK), JNA otherwise. {@code -Djpoll.native=jna} or {@code =ffm} forces one. Where FFM cannot be
 * used the backend falls back to JNA and says why at DEBUG: the binding is never a reason for a
 * Poll not to open.
 *
 * <p>The choice sits in a {@code static final} field, so in production the JIT sees one target.
 */
final class EpollBinding {
    static final String PROPERTY = "jpoll.native";
    /** The FFM binding, compiled with release 22 into {@code META-INF/versions/22} of the jar. */
    private static final String FFM_CLASS = "io.jpoll.epoll.FfmEpollNative";

    /** The binding and why it was chosen, as {@code doctor} and the logs show it. */
    static final class Choice {
        final EpollNative calls;
        final String description;

        Choice(EpollNative calls, String description) {
            this.calls = calls;
            this.description = description;
        }
    }

    private static final Choice CHOSEN = choose(System.getProperty(PROPERTY), Runtime.version().feature());
    static final EpollNative NATIVE = CHOSEN.calls;

    static {
        System.getLogger("io.jpoll.epoll").log(System.Logger.Level.DEBUG, "jpoll epoll: native binding " + CHOSEN.description);
    }

    private EpollBinding() {
    }

    /** Like {@code ffm} or {@code jna (ffm unavailable: ...)}. */
    static String describe() {
        return CHOSEN.description;
    }

    /** The choice for a requested binding (null: automatic) on a JDK of the given feature release. */
    static Choice choose(String requested, int jdkFeature) {
        String wanted = requested == null || requested.isBlank() ? "" : requested.trim().toLowerCase(java.util.Locale.ROOT);
        if (wanted.equals("jna")) {
            return new Choice(JnaEpollNative.INSTANCE, "jna (forced by -D" + PROPERTY + "=jna)");
        }
        String prefix = wanted.equals("ffm") ? "jna (-D" + PROPERTY + "=ffm asked for ffm, unavailable: "
                : wanted.isEmpty() ? "jna (ffm unavailable: "
                : "jna (-D" + PROPERTY + "=" + requested + " is neither ffm nor jna; ffm unavailable: ";
        if (jdkFeature < 22) {
            return new Choice(JnaEpollNative.INSTANCE, prefix + "JDK " + jdkFeature
                    + " has no final java.lang.foreign, which needs JDK 22 or later)");
        }
        try {
            Class<?> ffm = Class.forName(FFM_CLASS, true, EpollBinding.class.getClassLoader());
            EpollNative calls = (EpollNative) ffm.getDeclaredField("INSTANCE").get(null);
            return new Choice(calls, "ffm");
        } catch (ExceptionInInitializerError e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            return new Choice(JnaEpollNative.INSTANCE, prefix + cause + ")");
        } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
            return new Choice(JnaEpollNative.INSTANCE, prefix + e + ")");
        }
    }
}

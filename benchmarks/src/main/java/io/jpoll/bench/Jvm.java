package io.jpoll.bench;

/**
 * The JVM flags every benchmark fork gets, whatever the contender, so no one runs with an
 * advantage: native access for JNA (quiet on JDK 24+), and the sun.nio.ch export that lets
 * {@code Source.of(channel)} read a channel's fd without the Unsafe fallback.
 */
public final class Jvm {
    public static final String NATIVE_ACCESS = "--enable-native-access=ALL-UNNAMED";
    public static final String EXPORT_NIO = "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED";

    private Jvm() {
    }
}

package io.jpoll;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * {@code Source.of(channel)} on a JVM where {@code sun.misc.Unsafe} refuses memory access
 * ({@code --sun-misc-unsafe-memory-access=deny}, JDK 24 and later; JEP 471 plans it as a later
 * default). It runs a child JVM of JDK 24 or later: this one, or one found where JDKs are
 * installed. Without one it is skipped, saying so.
 */
@Timeout(120)
class UnsafeDeniedTest {
    private static final String DENY = "--sun-misc-unsafe-memory-access=deny";
    private static Path java;

    @BeforeAll
    static void findJdk24() {
        Optional<Path> found = Jdks.atLeast(24);
        Assumptions.assumeTrue(found.isPresent(), "no JDK 24 or later here (looked at this JVM, JAVA_HOME*,"
                + " /usr/lib/jvm, /Library/Java/JavaVirtualMachines, ~/.sdkman, ~/.jdks): "
                + DENY + " needs one");
        java = found.get();
        System.out.println("[UnsafeDeniedTest] child JVM: " + java);
    }

    /** Without the export, the fallback is refused: the exception says which flag fixes it, and why. */
    @Test
    void deniedUnsafeWithoutTheExportNamesTheFlag() throws Exception {
        String out = runChild(DENY);
        assertTrue(out.startsWith("threw java.lang.IllegalStateException: Source.of: cannot read the fd of "), out);
        assertTrue(out.contains("run the JVM with --add-exports java.base/sun.nio.ch=ALL-UNNAMED"
                + " (or =io.jpoll on the module path)"), out);
        assertTrue(out.contains("sun.misc.Unsafe refused"), out);
        assertTrue(out.contains(DENY), out);
    }

    /** With the export, Unsafe is never needed: it works, and nothing warns about Unsafe. */
    @Test
    void theExportWorksWhereUnsafeIsDenied() throws Exception {
        String out = runChild(DENY, "--add-exports", "java.base/sun.nio.ch=ALL-UNNAMED");
        assertTrue(out.matches("(?s)ok fd=\\d+\\s*"), out);
        assertFalse(out.contains("sun.misc.Unsafe"), out);
    }

    private static String runChild(String... flags) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(java.toString());
        command.addAll(List.of(flags));
        command.add("-cp");
        command.add(System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")));
        command.add(UnsafeDeniedChild.class.getName());
        Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
        child.getOutputStream().close();
        String out = readAll(child.getInputStream());
        assertTrue(child.waitFor(60, TimeUnit.SECONDS), "the child JVM did not exit within 60 s: " + out);
        assertEquals(0, child.exitValue(), () -> "the child JVM failed: " + out);
        return out;
    }

    private static String readAll(InputStream in) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        in.transferTo(bytes);
        return bytes.toString(StandardCharsets.UTF_8);
    }

    /** Finds an installed JDK by the JAVA_VERSION in its {@code release} file. */
    static final class Jdks {
        private static final Pattern VERSION = Pattern.compile("(?m)^JAVA_VERSION=\"(\\d+)");

        static Optional<Path> atLeast(int feature) {
            if (Runtime.version().feature() >= feature) {
                return Optional.of(javaIn(Path.of(System.getProperty("java.home"))));
            }
            List<Path> homes = new ArrayList<>();
            System.getenv().forEach((name, value) -> {
                if (name.startsWith("JAVA_HOME")) {
                    homes.add(Path.of(value));
                }
            });
            String user = System.getProperty("user.home");
            for (Path dir : new Path[]{Path.of("/usr/lib/jvm"), Path.of("/usr/lib64/jvm"),
                    Path.of("/Library/Java/JavaVirtualMachines"), Path.of(user, ".sdkman/candidates/java"),
                    Path.of(user, ".jdks")}) {
                if (Files.isDirectory(dir)) {
                    try (Stream<Path> entries = Files.list(dir)) {
                        entries.forEach(home -> {
                            homes.add(home);
                            homes.add(home.resolve("Contents/Home")); // the macOS bundle layout
                        });
                    } catch (IOException e) {
                        // an unreadable directory holds no JDK we can use
                    }
                }
            }
            return homes.stream()
                    .filter(home -> featureOf(home) >= feature && Files.isExecutable(javaIn(home)))
                    .max((a, b) -> Integer.compare(featureOf(a), featureOf(b)))
                    .map(Jdks::javaIn);
        }

        private static int featureOf(Path home) {
            try {
                Matcher m = VERSION.matcher(Files.readString(home.resolve("release")));
                return m.find() ? Integer.parseInt(m.group(1)) : -1;
            } catch (IOException | RuntimeException e) {
                return -1;
            }
        }

        private static Path javaIn(Path home) {
            boolean windows = System.getProperty("os.name", "").startsWith("Windows");
            return home.resolve("bin").resolve(windows ? "java.exe" : "java");
        }
    }
}

package io.jpoll.bench.report;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/** What benchmarks/run.sh recorded about the machine and the run (env.properties). */
final class Environment {
    private final Properties p = new Properties();

    static Environment read(Path file) throws IOException {
        Environment env = new Environment();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            env.p.load(r);
        }
        return env;
    }

    String get(String key) {
        return p.getProperty(key, "unknown");
    }

    boolean quick() {
        return "quick".equals(p.getProperty("mode"));
    }

    /** The native bindings this run measured jpoll on, the JDK's default first. */
    java.util.List<String> bindings() {
        String b = p.getProperty("bindings", "").trim();
        return b.isEmpty() ? java.util.List.of() : java.util.List.of(b.split(" +"));
    }

    /** The binding jpoll uses on this JDK unless told otherwise: the one Echo and IdleScale run on. */
    String defaultBinding() {
        return bindings().isEmpty() ? "jna" : bindings().get(0);
    }

    String idleSkipReason() {
        String limit = p.getProperty("fdLimit");
        return limit == null ? "" : " (hard limit " + limit + " fds)";
    }
}

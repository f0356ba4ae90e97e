package io.jpoll;

import io.jpoll.spi.Backend;
import io.jpoll.spi.Platform;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.ServiceLoader;
import java.util.StringJoiner;

/** Finds the backends on the class or module path once, and picks one by name or by priority. */
final class Backends {
    /** The system property that forces a backend by name. */
    static final String PROPERTY = "jpoll.backend";

    private static final System.Logger LOG = System.getLogger("io.jpoll");

    private Backends() {
    }

    private static final class All {
        static final List<Backend> LIST = load();

        private static List<Backend> load() {
            List<Backend> list = new ArrayList<>();
            for (Backend b : ServiceLoader.load(Backend.class, Backends.class.getClassLoader())) {
                list.add(b);
            }
            return Collections.unmodifiableList(list);
        }
    }

    static Backend choose(String requested) {
        if (requested != null) {
            // A name the caller gave is looked up even when blank: Poll.open("") is a mistake,
            // not a request for the default.
            return named(requested.trim(), "Poll.open(\"" + requested + "\")");
        }
        String name = System.getProperty(PROPERTY);
        if (name != null && !name.isBlank()) {
            return named(name.trim(), "-D" + PROPERTY + "=" + name);
        }
        Backend best = null;
        for (Backend b : All.LIST) {
            if (b.isSupported() && (best == null || b.priority() > best.priority())) {
                best = b;
            }
        }
        if (best == null) {
            throw new IllegalStateException("Poll.open: no jpoll backend supports " + Platform.describe()
                    + "; found: " + describe(All.LIST, false)
                    + ". Add io.jpoll:jpoll (every backend) or the backend for this OS to the class path.");
        }
        LOG.log(System.Logger.Level.DEBUG, "jpoll: chose backend {0} (priority {1}) on {2}",
                best.name(), best.priority(), Platform.describe());
        return best;
    }

    private static Backend named(String name, String how) {
        for (Backend b : All.LIST) {
            if (b.name().equals(name)) {
                if (!b.isSupported()) {
                    throw new IllegalArgumentException("Poll.open: backend '" + name + "' (" + how + ") is not supported here: "
                            + b.unsupportedReason() + "; available here: " + describe(All.LIST, true));
                }
                LOG.log(System.Logger.Level.DEBUG, "jpoll: backend {0} requested by {1}", name, how);
                return b;
            }
        }
        throw new IllegalArgumentException("Poll.open: unknown backend '" + name + "' (" + how
                + "); available here: " + describe(All.LIST, true));
    }

    private static String describe(List<Backend> list, boolean supportedOnly) {
        StringJoiner j = new StringJoiner(", ");
        for (Backend b : list) {
            if (!supportedOnly || b.isSupported()) {
                j.add(b.name());
            }
        }
        return j.length() == 0 ? "(none)" : j.toString();
    }
}

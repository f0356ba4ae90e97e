package io.jpoll.bench;

import java.io.IOException;

/** Turns the JDK's bare "Too many open files" into a message that says which limit to raise. */
public final class Limits {
    private Limits() {
    }

    public static IOException explain(Exception e, String what) {
        String message = String.valueOf(e.getMessage());
        if (message.contains("Too many open files")) {
            return new IOException(what + ": the open-file limit (ulimit -n) is too low; benchmarks/run.sh"
                    + " raises the soft limit to the hard one and skips sizes beyond it", e);
        }
        return e instanceof IOException ? (IOException) e : new IOException(what + ": " + message, e);
    }
}

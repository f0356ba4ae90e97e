package io.jpoll.bench.report;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** The exact per-thread allocation counts io.jpoll.bench.alloc.AllocationCheck wrote. */
final class Allocations {
    /** Bytes per operation in the quietest and the busiest of three measured rounds. */
    record Count(double least, double most) {
    }

    private final JsonObject json;
    final int operations;

    private Allocations(JsonObject json) {
        this.json = json;
        this.operations = json.get("operations").getAsInt();
    }

    static Allocations read(Path file) throws IOException {
        return new Allocations(JsonParser.parseString(Files.readString(file, StandardCharsets.UTF_8)).getAsJsonObject());
    }

    Optional<Count> get(String name) {
        if (!json.has(name)) {
            return Optional.empty();
        }
        JsonObject o = json.getAsJsonObject(name);
        return Optional.of(new Count(o.get("least").getAsDouble(), o.get("most").getAsDouble()));
    }
}

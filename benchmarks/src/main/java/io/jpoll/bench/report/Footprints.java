package io.jpoll.bench.report;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Heap bytes per registration, as io.jpoll.bench.footprint.Footprint wrote them. */
record Footprints(int registrations, double jpoll, double jpollKeepingSources, double selector) {
    static Footprints read(Path file) throws IOException {
        JsonObject o = JsonParser.parseString(Files.readString(file, StandardCharsets.UTF_8)).getAsJsonObject();
        return new Footprints(o.get("registrations").getAsInt(), o.get("jpollBytes").getAsDouble(),
                o.get("jpollBytesKeepingSources").getAsDouble(), o.get("selectorBytes").getAsDouble());
    }
}

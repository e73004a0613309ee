package io.fitbitpipeline.core.step;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.fitbitpipeline.core.lake.LakeLayout;
import io.fitbitpipeline.core.lake.ObjectStore;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Reads and writes the JSON manifests that hand work from one step to the next through the lake.
 */
public final class Manifests {
  private final ObjectStore store;
  private final LakeLayout lake;
  private final ObjectMapper json;

  public Manifests(ObjectStore store, LakeLayout lake, ObjectMapper json) {
    this.store = store;
    this.lake = lake;
    this.json = json;
  }

  public static ObjectMapper objectMapper() {
    return new ObjectMapper()
        .registerModule(new JavaTimeModule())
        .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
        .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
  }

  public void write(String key, Object manifest) {
    try {
      store.put(
          lake.bucket(), key, json.writerWithDefaultPrettyPrinter().writeValueAsBytes(manifest));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public <T> T read(String key, Class<T> type, String missingHint) throws IOException {
    return store
        .readIfPresent(
            lake.bucket(),
            key,
            in -> json.readValue(in, type),
            message -> System.err.println("WARN: " + message))
        .orElseThrow(
            () ->
                new StepFailure(
                    "no manifest at " + lake.uri(key) + ": " + missingHint,
                    StepFailure.MISSING_INPUT));
  }
}

package io.fitbitpipeline.core.run;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fitbitpipeline.core.activity.Activity;
import io.fitbitpipeline.core.step.Manifests;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EventLogTest {
  private final Clock clock = Clock.fixed(Instant.parse("2026-11-23T00:00:00Z"), ZoneOffset.UTC);

  private String log(EventLog.Format format) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    EventLog log =
        new EventLog(
            new PrintStream(out, true, StandardCharsets.UTF_8),
            format,
            clock,
            Manifests.objectMapper());
    log.info("load", Activity.STEPS, new RunId("r1"), "staged", Map.of("rows", 10, "files", 2));
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void inAContainerEachEventIsOneJsonLine() {
    assertEquals(
        "{\"ts\":\"2026-11-23T00:00:00Z\",\"level\":\"INFO\",\"step\":\"load\",\"activity\":\"steps\","
            + "\"run_id\":\"r1\",\"message\":\"staged\",\"files\":2,\"rows\":10}\n",
        log(EventLog.Format.JSON));
  }

  @Test
  void inATerminalEventsAreText() {
    assertEquals("load steps: staged files=2 rows=10\n", log(EventLog.Format.TEXT));
  }

  @Test
  void theFormatFollowsLogFormatThenContainer() {
    assertEquals(EventLog.Format.JSON, EventLog.formatFrom(Map.of("CONTAINER", "true")));
    assertEquals(
        EventLog.Format.TEXT,
        EventLog.formatFrom(Map.of("CONTAINER", "true", "LOG_FORMAT", "text")));
    assertEquals(EventLog.Format.JSON, EventLog.formatFrom(Map.of("LOG_FORMAT", "json")));
    assertEquals(EventLog.Format.TEXT, EventLog.formatFrom(Map.of()));
  }
}

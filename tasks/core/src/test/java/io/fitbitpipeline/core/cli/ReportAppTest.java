package io.fitbitpipeline.core.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.fitbitpipeline.core.activity.Activity;
import io.fitbitpipeline.core.config.PipelineConfig;
import io.fitbitpipeline.core.config.S3Clients;
import io.fitbitpipeline.core.lake.ObjectStore;
import io.fitbitpipeline.core.lake.S3ObjectStore;
import io.fitbitpipeline.core.run.EventLog;
import io.fitbitpipeline.core.run.RunId;
import io.fitbitpipeline.core.run.Window;
import io.fitbitpipeline.core.sample.SampleWeek;
import io.fitbitpipeline.core.step.LocalServers;
import io.fitbitpipeline.core.step.Manifests;
import io.fitbitpipeline.core.step.Pipeline;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The report step (what the report image runs) against the real local servers: one activity of the
 * sample week is run under an Airflow-style run id, then the report is written to the lake.
 */
class ReportAppTest {
  private static final Window WEEK = Window.isoWeek("2026-W45");

  private static PipelineConfig config;
  private static ObjectStore store;
  private static String suffix;
  private static RunId run;

  @BeforeAll
  static void runOneActivityOfTheSampleWeek() throws Exception {
    LocalServers servers = LocalServers.get();
    suffix = UUID.randomUUID().toString().substring(0, 8);
    config = servers.config("raw-" + suffix, "lake-" + suffix);
    store = new S3ObjectStore(S3Clients.create(config));
    store.ensureBucket(config.rawBucket());
    store.ensureBucket(config.lakeBucket());
    EventLog log =
        new EventLog(
            new PrintStream(new ByteArrayOutputStream()),
            EventLog.Format.TEXT,
            Clock.systemUTC(),
            Manifests.objectMapper());
    Pipeline pipeline =
        new Pipeline(config, store, log, Clock.systemUTC(), Files.createTempDirectory("work"));
    pipeline.migrate();
    SampleWeek.generate(WEEK).entrySet().stream()
        .filter(e -> e.getKey().endsWith("/steps.json"))
        .forEach(e -> store.put(config.rawBucket(), "raw/" + e.getKey(), e.getValue()));
    // Airflow's run ids carry ':' and '+'; the lake key replaces them.
    run = new RunId("scheduled__2026-11-09T00:00:00+00:00-" + suffix);
    pipeline.extractor().run(Activity.STEPS, WEEK, run, false);
    pipeline.transformer().run(Activity.STEPS, WEEK, run);
    pipeline.loader().run(Activity.STEPS, WEEK, run);
    pipeline.promoter().run(List.of(Activity.STEPS), WEEK, run);
  }

  private record Result(int code, String out, String err) {
    String lastLine() {
      String[] lines = out.strip().split("\n");
      return lines[lines.length - 1];
    }
  }

  private static Result report(ReportOptions options) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    Map<String, String> env =
        Map.of(
            "LAKE_BUCKET", config.lakeBucket(),
            "WAREHOUSE_JDBC_URL", config.jdbcUrl(),
            "WAREHOUSE_USER", config.warehouseUser(),
            "LOG_FORMAT", "json");
    int code =
        new ReportApp(
                env,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8),
                Clock.systemUTC(),
                store)
            .run(options);
    return new Result(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void writesTheRunsReportToTheLakeAndPrintsWhereAsTheLastLine() throws Exception {
    Result result = report(new ReportOptions("2026-W45", null, null, run.value()));
    assertEquals(0, result.code(), result.err());
    JsonNode line = Manifests.objectMapper().readTree(result.lastLine());
    String key = "reports/scheduled__2026-11-09T00_00_00_00_00-" + suffix + "/index.html";
    assertEquals("s3://" + config.lakeBucket() + "/" + key, line.get("report").asText());
    assertEquals(run.value(), line.get("run_id").asText());
    assertEquals(WEEK.toString(), line.get("window").asText());
    assertEquals("succeeded", line.get("activities").get("steps").asText());
    assertTrue(store.exists(config.lakeBucket(), key));
    String html;
    try (InputStream in = store.open(config.lakeBucket(), key)) {
      html = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    assertEquals(html.getBytes(StandardCharsets.UTF_8).length, line.get("bytes").asInt());
    assertTrue(html.contains(run.value()), "the page names its run");
    try (S3Client s3 = S3Clients.create(config)) {
      String type = s3.headObject(b -> b.bucket(config.lakeBucket()).key(key)).contentType();
      assertTrue(type.startsWith("text/html"), type);
    }
    assertTrue(result.out().contains("run report written to s3://"), result.out());
  }

  @Test
  void aRunTheWarehouseDoesNotKnowIsMissingInput() {
    Result result = report(new ReportOptions(null, null, null, "never-ran-" + suffix));
    assertEquals(4, result.code(), result.err());
    assertEquals(
        "ERROR: no run never-ran-" + suffix + " in fitbit_ops.pipeline_runs", result.err().strip());
  }

  @Test
  void theWindowMustBeTheRunsOwn() {
    Result result = report(new ReportOptions("2026-W46", null, null, run.value()));
    assertEquals(2, result.code(), result.err());
    assertTrue(result.err().contains("not the window given"), result.err());
  }

  @Test
  void withoutRunIdOrWindowItIsAUsageError() {
    Result result = report(new ReportOptions(null, null, null, null));
    assertEquals(2, result.code(), result.err());
    assertTrue(result.err().startsWith("ERROR: give the window"), result.err());
  }
}

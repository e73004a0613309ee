package io.fitbitpipeline.core.step;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fitbitpipeline.core.activity.Activity;
import io.fitbitpipeline.core.config.PipelineConfig;
import io.fitbitpipeline.core.config.S3Clients;
import io.fitbitpipeline.core.lake.ObjectStore;
import io.fitbitpipeline.core.lake.S3ObjectStore;
import io.fitbitpipeline.core.run.EventLog;
import io.fitbitpipeline.core.run.RunId;
import io.fitbitpipeline.core.run.Window;
import io.fitbitpipeline.core.sample.SampleWeek;
import io.fitbitpipeline.core.warehouse.Tables;
import io.fitbitpipeline.core.warehouse.WarehouseTable;
import io.fitbitpipeline.localstack.LocalS3;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Reads through an S3 endpoint that resets connections mid-body: a fault-injecting TCP proxy in
 * front of the real s3proxy cuts every raw object's first GET (and some objects' second) after a
 * few hundred bytes. Transform reads each object again from the start and the run loads exactly the
 * rows of a run without faults.
 */
class ConnectionResetTest {
  private static final Window WINDOW = Window.dates("2026-11-16", "2026-11-17");

  @Test
  void aTransformSurvivesResetsMidBodyAndLoadsTheSameRows() throws Exception {
    LocalServers servers = LocalServers.get();
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    PipelineConfig direct = servers.config("raw-" + suffix, "lake-" + suffix);
    ObjectStore store = new S3ObjectStore(S3Clients.create(direct));
    store.ensureBucket(direct.rawBucket());
    store.ensureBucket(direct.lakeBucket());
    SampleWeek.generate(WINDOW)
        .forEach(
            (key, content) -> {
              if (key.startsWith("user0")) {
                store.put(direct.rawBucket(), "raw/" + key, content);
              }
            });

    Map<String, String> expected = runAll(direct, "direct");

    String rawPath = "/" + direct.rawBucket() + "/raw/";
    // Every raw object's first GET is cut, every third object's (by name) second as well: still
    // within the 3 attempts.
    FaultProxy.Plan plan =
        (path, attempt) ->
            path.startsWith(rawPath) && attempt <= (Math.floorMod(path.hashCode(), 3) == 0 ? 2 : 1)
                ? FaultProxy.Fault.RESET_MID_BODY
                : FaultProxy.Fault.PASS;
    try (FaultProxy proxy = new FaultProxy(direct.s3Endpoint().orElseThrow(), plan, 700, 0)) {
      PipelineConfig faulty =
          direct.withS3(
              proxy.endpoint(),
              new PipelineConfig.StaticCredentials(LocalS3.ACCESS_KEY, LocalS3.SECRET_KEY));
      ByteArrayOutputStream log = new ByteArrayOutputStream();
      Map<String, String> actual = runAll(faulty, "faulty", log);

      assertEquals(expected, actual, "the same rows in every production table");
      int cuts = proxy.injected(FaultProxy.Fault.RESET_MID_BODY);
      assertTrue(cuts > 50, "responses cut: " + cuts);
      String text = log.toString(StandardCharsets.UTF_8);
      assertTrue(text.contains("reading it again from the start, attempt 2 of 3"), text);
      assertTrue(text.contains("attempt 3 of 3"), text);
      // Both faults: a reset, and an orderly close that would otherwise pass as truncated JSON.
      assertTrue(text.contains("Connection reset"), text);
      assertTrue(text.matches("(?s).*the body ended after \\d+ of \\d+ bytes.*"), text);
    }
  }

  private static Map<String, String> runAll(PipelineConfig config, String runId) throws Exception {
    return runAll(config, runId, new ByteArrayOutputStream());
  }

  /** A whole run on a fresh warehouse; returns a fingerprint of every production table. */
  private static Map<String, String> runAll(
      PipelineConfig config, String runId, ByteArrayOutputStream logOut) throws Exception {
    EventLog log =
        new EventLog(
            new PrintStream(logOut, true, StandardCharsets.UTF_8),
            EventLog.Format.TEXT,
            Clock.systemUTC(),
            Manifests.objectMapper());
    Pipeline pipeline =
        new Pipeline(
            config,
            new S3ObjectStore(S3Clients.create(config)),
            log,
            Clock.systemUTC(),
            Files.createTempDirectory("work"));
    try (Connection c = pipeline.warehouse().connect();
        Statement s = c.createStatement()) {
      s.execute("DROP SCHEMA IF EXISTS fitbit, fitbit_staging, fitbit_ops CASCADE");
    }
    pipeline.migrate();
    RunId run = new RunId(runId);
    for (Activity activity : Activity.values()) {
      pipeline.extractor().run(activity, WINDOW, run, false);
      pipeline.transformer().run(activity, WINDOW, run);
      pipeline.loader().run(activity, WINDOW, run);
    }
    pipeline.promoter().run(Arrays.asList(Activity.values()), WINDOW, run);
    Map<String, String> snapshot = new LinkedHashMap<>();
    try (Connection c = pipeline.warehouse().connect();
        Statement s = c.createStatement()) {
      for (WarehouseTable table : Tables.activityTables()) {
        try (ResultSet rs =
            s.executeQuery(
                "SELECT COUNT(*) || ':' || COALESCE(MD5(STRING_AGG(t::text, ',' ORDER BY "
                    + String.join(", ", table.key())
                    + ")), '') FROM "
                    + table.production()
                    + " t")) {
          rs.next();
          snapshot.put(table.name(), rs.getString(1));
        }
      }
      try (ResultSet rs =
          s.executeQuery(
              "SELECT status || ':' || COUNT(*) FROM fitbit_ops.file_ledger GROUP BY status"
                  + " ORDER BY status")) {
        while (rs.next()) {
          snapshot.merge("file_ledger", rs.getString(1), (a, b) -> a + "," + b);
        }
      }
    }
    return snapshot;
  }
}

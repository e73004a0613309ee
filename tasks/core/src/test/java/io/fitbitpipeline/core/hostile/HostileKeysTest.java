package io.fitbitpipeline.core.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fitbitpipeline.core.activity.Activity;
import io.fitbitpipeline.core.config.PipelineConfig;
import io.fitbitpipeline.core.lake.LakeLayout;
import io.fitbitpipeline.core.lake.ObjectStore;
import io.fitbitpipeline.core.run.RunId;
import io.fitbitpipeline.core.run.Window;
import io.fitbitpipeline.core.step.LocalServers;
import io.fitbitpipeline.core.step.Pipeline;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Hostile object keys in the raw bucket (path traversal, control characters, very long keys,
 * SQL-shaped user ids) through the real steps against the real S3-API server and PostgreSQL: each
 * is quarantined with its reason, recorded verbatim in the ledger through bound parameters, copied
 * to quarantine under a key that cannot climb out of it, and the warehouse is intact.
 */
class HostileKeysTest {
  private static final LocalDate DAY = LocalDate.of(2026, 11, 16);
  private static final Window WINDOW = Window.dates("2026-11-16", "2026-11-22");
  private static final String SQL_ID = "x'; DROP TABLE fitbit.steps_daily; --";

  @Test
  void hostileKeysAreQuarantinedVerbatimAndTheWarehouseIsIntact() throws Exception {
    LocalServers servers = LocalServers.get();
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    PipelineConfig config =
        servers.config("raw-" + suffix, "lake-" + suffix, Map.of("LOOKBACK_WEEKS", "0"));
    ObjectStore store = LocalServers.storeWithBuckets(config);
    Pipeline pipeline = LocalServers.quietPipeline(config, store);
    try (Connection c = pipeline.warehouse().connect();
        Statement s = c.createStatement()) {
      s.execute("DROP SCHEMA IF EXISTS fitbit, fitbit_staging, fitbit_ops CASCADE");
    }
    pipeline.migrate();

    byte[] day = HostileInputTest.stepsDay(DAY, 60).getBytes(StandardCharsets.UTF_8);
    String tail = "/" + DAY + "/steps.json";
    Map<String, String> hostile = new LinkedHashMap<>();
    hostile.put("raw/" + SQL_ID + tail, "user_id '" + SQL_ID + "' is not 1-64 characters");
    hostile.put("raw/%2e%2e" + tail, "user_id '%2e%2e' is not 1-64 characters");
    hostile.put("raw/..%2f..%2fetc" + tail, "user_id '..%2f..%2fetc' is not 1-64 characters");
    hostile.put("raw/user\u0001bell" + tail, "user_id 'user\\u0001bell' is not 1-64 characters");
    hostile.put("raw/user\ttab" + tail, "user_id 'user\\u0009tab' is not 1-64 characters");
    hostile.put("raw/" + "u".repeat(65) + tail, "user_id '" + "u".repeat(65) + "' is not 1-64");
    // ("raw//abs/..." is RawLayoutTest's: s3proxy's file store folds the double slash.)
    hostile.put("raw/../../etc" + tail, "key does not fit {user_id}/{yyyy-MM-dd}/{activity}.json");
    hostile.put("raw/u/../x" + tail, "key does not fit {user_id}/{yyyy-MM-dd}/{activity}.json");
    // About 1,000 bytes: its quarantine key would pass S3's 1,024-byte limit.
    String longKey = "raw/" + ("d".repeat(200) + "/").repeat(4) + "long" + tail;
    hostile.put(longKey, "key does not fit {user_id}/{yyyy-MM-dd}/{activity}.json");
    hostile.put("raw/user01/2026-11-16\u0000/steps.json", "date folder '2026-11-16\\u0000'");

    List<String> stored = new ArrayList<>();
    List<String> refusedByServer = new ArrayList<>();
    store.put(config.rawBucket(), "raw/good01" + tail, day);
    for (String key : hostile.keySet()) {
      try {
        store.put(config.rawBucket(), key, day);
        stored.add(key);
      } catch (RuntimeException e) {
        // An S3-API server may refuse a key outright (s3proxy's file store: ".." or NUL); then
        // it never reaches the pipeline. Amazon S3 stores all of them.
        refusedByServer.add(LakeLayout.printable(key) + " (" + e.getClass().getSimpleName() + ")");
      }
    }
    System.out.println("keys the S3-API server refused: " + refusedByServer);
    assertTrue(stored.size() >= 7, "most hostile keys are stored: " + stored);

    RunId run = new RunId("keys-1");
    pipeline.extractor().run(Activity.STEPS, WINDOW, run, false);
    pipeline.transformer().run(Activity.STEPS, WINDOW, run);
    pipeline.loader().run(Activity.STEPS, WINDOW, run);
    pipeline.promoter().run(List.of(Activity.STEPS), WINDOW, run);

    LakeLayout lake = new LakeLayout(config.lakeBucket());
    for (String key : stored) {
      String row = ledger(pipeline, key);
      assertTrue(
          row != null && row.startsWith("quarantined: " + hostile.get(key)),
          LakeLayout.printable(key) + " -> " + row);
      String copy = lake.quarantined(Activity.STEPS, key);
      assertTrue(copy.startsWith("quarantine/steps/"), copy);
      assertTrue(
          !copy.contains("..") && !copy.contains("//") && copy.length() <= 1024 - 11,
          "a quarantine key that stays in quarantine/: " + LakeLayout.printable(copy));
      assertTrue(store.exists(config.lakeBucket(), copy), "kept: " + LakeLayout.printable(copy));
      try (InputStream in = store.open(config.lakeBucket(), copy + ".reason.txt")) {
        String note = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(note.contains(LakeLayout.printable(key)), note);
        assertTrue(note.chars().noneMatch(c -> c < 0x20 && c != '\n'), "no control chars");
      }
    }
    // Every object the run wrote to the lake is under the run's folders.
    List<String> lakeKeys = new ArrayList<>();
    store.list(config.lakeBucket(), "", o -> lakeKeys.add(o.key()));
    for (String k : lakeKeys) {
      assertTrue(
          k.startsWith("quarantine/steps/")
              || k.startsWith("manifests/")
              || k.startsWith("staging/"),
          LakeLayout.printable(k));
    }

    // The warehouse is intact: the good file is loaded, every table is there.
    assertEquals(
        "good01=600",
        text(pipeline, "SELECT STRING_AGG(user_id || '=' || value, ',') FROM fitbit.steps_daily"));
    assertEquals("60", text(pipeline, "SELECT COUNT(*) FROM fitbit.steps_intraday"));
    assertEquals(
        String.valueOf(stored.size()),
        text(pipeline, "SELECT COUNT(*) FROM fitbit_ops.file_ledger WHERE status = 'quarantined'"));

    // A rerun skips them all: the ledger matched the keys byte for byte.
    assertEquals(
        0,
        pipeline
            .extractor()
            .run(Activity.STEPS, WINDOW, new RunId("keys-2"), true)
            .quarantined()
            .size());
  }

  private static String ledger(Pipeline pipeline, String key) throws SQLException {
    try (Connection c = pipeline.warehouse().connect();
        PreparedStatement s =
            c.prepareStatement(
                "SELECT status || ': ' || reason FROM fitbit_ops.file_ledger WHERE source_key = ?")) {
      s.setString(1, key);
      try (ResultSet rs = s.executeQuery()) {
        return rs.next() ? rs.getString(1) : null;
      }
    }
  }

  private static String text(Pipeline pipeline, String sql) throws SQLException {
    try (Connection c = pipeline.warehouse().connect();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      return rs.next() ? rs.getString(1) : null;
    }
  }
}

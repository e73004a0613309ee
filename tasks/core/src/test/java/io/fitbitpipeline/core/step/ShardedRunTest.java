package io.fitbitpipeline.core.step;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fitbitpipeline.core.activity.Activity;
import io.fitbitpipeline.core.cli.StepOptions;
import io.fitbitpipeline.core.cli.StepRunner;
import io.fitbitpipeline.core.config.PipelineConfig;
import io.fitbitpipeline.core.lake.LakeLayout;
import io.fitbitpipeline.core.lake.ObjectStore;
import io.fitbitpipeline.core.report.ReportData;
import io.fitbitpipeline.core.run.RunId;
import io.fitbitpipeline.core.run.Shard;
import io.fitbitpipeline.core.run.StepName;
import io.fitbitpipeline.core.run.Window;
import io.fitbitpipeline.core.sample.SampleWeek;
import io.fitbitpipeline.core.warehouse.Tables;
import io.fitbitpipeline.core.warehouse.WarehouseTable;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * A run in shards (--shard i/n on extract and transform, --shards n on load and promote) against
 * the real PostgreSQL and S3-API servers: the warehouse it leaves is exactly the unsharded one's,
 * and a run with a shard missing is refused by load and by promote.
 */
class ShardedRunTest {
  private static final Window WINDOW = Window.dates("2026-11-16", "2026-11-20");
  private static final String WEEK = "2026-W47";
  private static final int SHARDS = 3;
  private static final Set<String> USERS = Set.of("user03", "user08", "user09", "user12", "user19");

  private PipelineConfig config;
  private ObjectStore store;
  private Pipeline pipeline;

  @BeforeEach
  void freshBucketsAndWarehouse() throws Exception {
    LocalServers servers = LocalServers.get();
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    config = servers.config("raw-" + suffix, "lake-" + suffix);
    store = LocalServers.storeWithBuckets(config);
    pipeline = LocalServers.quietPipeline(config, store);
    emptyWarehouse();
    // Five users' files, every user's first day, and the keys that break the layout (as
    // PipelineIntegrationTest): planted bad files and points, quarantined and ignored keys.
    SampleWeek.generate(WINDOW)
        .forEach(
            (key, content) -> {
              String user = key.substring(0, key.indexOf('/'));
              if (USERS.contains(user) || !user.startsWith("user") || key.contains("20261116")) {
                store.put(config.rawBucket(), "raw/" + key, content);
              }
            });
  }

  private void emptyWarehouse() throws Exception {
    try (Connection c = pipeline.warehouse().connect();
        Statement s = c.createStatement()) {
      s.execute("DROP SCHEMA IF EXISTS fitbit, fitbit_staging, fitbit_ops CASCADE");
    }
    pipeline.migrate();
  }

  @Test
  void everyShardThenPromoteLeavesTheWarehouseOfAnUnshardedRun() throws Exception {
    for (Activity activity : Activity.values()) {
      pipeline.extractor().run(activity, WINDOW, new RunId("whole"), false);
      pipeline.transformer().run(activity, WINDOW, new RunId("whole"));
      pipeline.loader().run(activity, WINDOW, new RunId("whole"));
    }
    pipeline.promoter().run(Arrays.asList(Activity.values()), WINDOW, new RunId("whole"));
    Map<String, String> unsharded = warehouse();
    List<String> unshardedReport = reportCounts("whole");
    assertTrue(count("SELECT COUNT(*) FROM fitbit.heart_rate_intraday") > 0);

    emptyWarehouse();
    StepRunner runner = runner(new ByteArrayOutputStream());
    for (Activity activity : Activity.values()) {
      for (Shard shard : Shard.all(SHARDS)) {
        String[] args = args(activity, "--shard", shard.toString());
        assertEquals(0, runner.run(StepName.EXTRACT, options(args), false), activity + " " + shard);
        assertEquals(0, runner.run(StepName.TRANSFORM, options(args), false));
      }
      assertEquals(
          0, runner.run(StepName.LOAD, options(args(activity, "--shards", "" + SHARDS)), false));
    }
    String[] promote = {"--week", WEEK, "--run-id", "sharded", "--shards", "" + SHARDS};
    assertEquals(0, runner.run(StepName.PROMOTE, options(promote), false));

    assertEquals(unsharded, warehouse(), "3 shards give exactly the unsharded warehouse");
    // The run report adds the shards' transform rows up to the unsharded run's figures.
    assertEquals(unshardedReport, reportCounts("sharded"));
    // Each shard did part of the work: every shard's users are its own, and none is empty.
    Set<String> seen = new TreeSet<>();
    for (Shard shard : Shard.all(SHARDS)) {
      ExtractManifest part =
          new Manifests(store, new LakeLayout(config.lakeBucket()), Manifests.objectMapper())
              .read(
                  "manifests/sharded/steps/" + shard.pathSegment() + "/extract.json",
                  ExtractManifest.class,
                  "the shard's extract manifest");
      List<String> users = part.files().stream().map(f -> f.userId()).distinct().toList();
      assertTrue(!users.isEmpty(), "shard " + shard + " has users");
      users.forEach(u -> assertEquals(shard.index(), Shard.of(u, SHARDS), u));
      users.forEach(u -> assertTrue(seen.add(u), u + " in two shards"));
    }
    assertEquals(
        SHARDS * 2L,
        count(
            "SELECT COUNT(*) FROM fitbit_ops.pipeline_runs WHERE run_id = 'sharded'"
                + " AND activity = 'steps' AND step LIKE '% _/3'"),
        "one extract and one transform row per shard");
  }

  @Test
  void aMissingShardIsRefusedByLoadAndPromote() throws Exception {
    StepRunner runner;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    runner = runner(err);
    for (Activity activity : Activity.values()) {
      for (Shard shard : List.of(new Shard(1, SHARDS), new Shard(3, SHARDS))) {
        String[] args = args(activity, "--shard", shard.toString());
        assertEquals(0, runner.run(StepName.EXTRACT, options(args), false));
        assertEquals(0, runner.run(StepName.TRANSFORM, options(args), false));
      }
    }
    err.reset();
    assertEquals(
        4,
        runner.run(StepName.LOAD, options(args(Activity.STEPS, "--shards", "" + SHARDS)), false));
    assertTrue(
        err.toString()
            .contains(
                "steps of run sharded: no transform manifest for shard 2/3 of 3 (e.g. s3://"
                    + config.lakeBucket()
                    + "/manifests/sharded/steps/shard-2-of-3/transform.json); run transform"
                    + " --shard 2/3 for it first"),
        err.toString());

    err.reset();
    String[] promote = {"--week", WEEK, "--run-id", "sharded", "--shards", "" + SHARDS};
    assertEquals(1, runner.run(StepName.PROMOTE, options(promote), false));
    assertTrue(
        err.toString().contains("check 'every shard transformed' failed: heart_rate of run sharded")
            && err.toString().contains("shard 2/3 of 3")
            && err.toString().contains("nothing was promoted"),
        err.toString());
    assertEquals(0, count("SELECT COUNT(*) FROM fitbit.steps_intraday"), "nothing promoted");
    assertEquals(
        "failed",
        text(
            "SELECT status FROM fitbit_ops.pipeline_runs WHERE run_id = 'sharded'"
                + " AND activity = 'steps' AND step = 'promote'"));

    // The wrong flag for a step is a usage error, not a silent whole-run.
    err.reset();
    assertEquals(
        2, runner.run(StepName.LOAD, options(args(Activity.STEPS, "--shard", "1/3")), false));
    assertTrue(err.toString().contains("give --shards N"), err.toString());
    err.reset();
    assertEquals(
        2, runner.run(StepName.EXTRACT, options(args(Activity.STEPS, "--shard", "4/3")), false));
    assertTrue(
        err.toString().contains("shard index must be between 1 and 3, got 4"), err.toString());
  }

  /** The run report's per-activity counts (files, points, rows, rejects, duplicates, status). */
  private List<String> reportCounts(String run) throws Exception {
    try (Connection c = pipeline.warehouse().connect()) {
      return ReportData.read(c, new RunId(run), WINDOW).activities().stream()
          .map(
              a ->
                  String.join(
                      " ",
                      a.activity(),
                      "" + a.filesSeen(),
                      "" + a.filesLoaded(),
                      "" + a.filesSkipped(),
                      "" + a.filesQuarantined(),
                      "" + a.pointsRead(),
                      "" + a.rows(),
                      "" + a.rejected(),
                      "" + a.duplicates(),
                      a.status().endsWith(" succeeded") ? "succeeded" : a.status()))
          .toList();
    }
  }

  private StepRunner runner(ByteArrayOutputStream err) {
    return new StepRunner(
        pipeline, new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true));
  }

  private static String[] args(Activity activity, String... more) {
    List<String> args =
        new ArrayList<>(
            List.of("--activity", activity.id(), "--week", WEEK, "--run-id", "sharded"));
    args.addAll(List.of(more));
    return args.toArray(String[]::new);
  }

  /** The options as the step images parse them (picocli), so the flags themselves are tested. */
  private static StepOptions options(String... args) {
    return CommandLine.populateCommand(new StepOptions(), args);
  }

  /**
   * Every table the run writes, as row count and a hash of all rows in key order; the ledger and
   * rejected points without the run id and time, which differ between the two runs by design.
   */
  private Map<String, String> warehouse() throws SQLException {
    Map<String, String> snapshot = new LinkedHashMap<>();
    for (WarehouseTable table : Tables.activityTables()) {
      snapshot.put(
          table.name(),
          text(
              "SELECT COUNT(*) || ':' || COALESCE(MD5(STRING_AGG(t::text, ',' ORDER BY "
                  + String.join(", ", table.key())
                  + ")), '') FROM "
                  + table.production()
                  + " t"));
    }
    snapshot.put(
        "file_ledger",
        text(
            "SELECT COUNT(*) || ':' || MD5(STRING_AGG(CONCAT_WS('|', source_key, content_hash,"
                + " user_id, date, activity, status, reason, rows_written, points_read,"
                + " points_rejected, duplicates, flags), ',' ORDER BY source_key))"
                + " FROM fitbit_ops.file_ledger"));
    snapshot.put(
        "rejected_points",
        text(
            "SELECT COUNT(*) || ':' || MD5(STRING_AGG(CONCAT_WS('|', source_key, activity,"
                + " user_id, date, raw_time, raw_value, reason), ',' ORDER BY source_key,"
                + " raw_time, raw_value, reason)) FROM fitbit_ops.rejected_points"));
    snapshot.put(
        "data_yield",
        text(
            "SELECT COUNT(*) || ':' || MD5(STRING_AGG(t::text, ',' ORDER BY user_id, date))"
                + " FROM fitbit.data_yield t"));
    return snapshot;
  }

  private long count(String sql) throws SQLException {
    return Long.parseLong(text(sql));
  }

  private String text(String sql) throws SQLException {
    try (Connection c = pipeline.warehouse().connect();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    }
  }
}

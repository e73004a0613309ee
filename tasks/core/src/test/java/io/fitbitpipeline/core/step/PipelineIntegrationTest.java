package io.fitbitpipeline.core.step;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fitbitpipeline.core.activity.Activity;
import io.fitbitpipeline.core.cli.StepOptions;
import io.fitbitpipeline.core.cli.StepRunner;
import io.fitbitpipeline.core.config.PipelineConfig;
import io.fitbitpipeline.core.config.S3Clients;
import io.fitbitpipeline.core.lake.ObjectStore;
import io.fitbitpipeline.core.lake.S3ObjectStore;
import io.fitbitpipeline.core.run.EventLog;
import io.fitbitpipeline.core.run.PipelineRuns;
import io.fitbitpipeline.core.run.RunId;
import io.fitbitpipeline.core.run.StepName;
import io.fitbitpipeline.core.run.Window;
import io.fitbitpipeline.core.sample.SampleWeek;
import io.fitbitpipeline.core.warehouse.Tables;
import io.fitbitpipeline.core.warehouse.WarehouseTable;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every step and whole windows against a real PostgreSQL server and a real S3-API server: the
 * warehouse contract, the accounting identities, reruns, changed and late files, quarantine, and a
 * failed promote check.
 */
class PipelineIntegrationTest {
  private static final Window WINDOW = Window.dates("2026-11-16", "2026-11-20");
  private static final Set<String> USERS = Set.of("user03", "user08", "user09", "user12", "user19");

  private LocalServers servers;
  private PipelineConfig config;
  private ObjectStore store;
  private Pipeline pipeline;
  private int runs;

  @BeforeEach
  void freshBucketsAndWarehouse() throws Exception {
    servers = LocalServers.get();
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    config = servers.config("raw-" + suffix, "lake-" + suffix);
    store = new S3ObjectStore(S3Clients.create(config));
    store.ensureBucket(config.rawBucket());
    store.ensureBucket(config.lakeBucket());
    pipeline = newPipeline(config);
    try (Connection c = pipeline.warehouse().connect();
        Statement s = c.createStatement()) {
      s.execute("DROP SCHEMA IF EXISTS fitbit, fitbit_staging, fitbit_ops CASCADE");
    }
    pipeline.migrate();
    Map<String, byte[]> sample = SampleWeek.generate(WINDOW);
    sample.forEach(
        (key, content) -> {
          String user = key.substring(0, key.indexOf('/'));
          if (USERS.contains(user) || !user.startsWith("user") || key.contains("20261116")) {
            put(key, content);
          }
        });
  }

  private Pipeline newPipeline(PipelineConfig c) throws Exception {
    EventLog log =
        new EventLog(
            new PrintStream(new ByteArrayOutputStream()),
            EventLog.Format.TEXT,
            Clock.systemUTC(),
            Manifests.objectMapper());
    return new Pipeline(
        c,
        new S3ObjectStore(S3Clients.create(c)),
        log,
        Clock.systemUTC(),
        Files.createTempDirectory("work"));
  }

  private void put(String relativeKey, byte[] content) {
    store.put(config.rawBucket(), "raw/" + relativeKey, content);
  }

  private RunId runWindow(Window window) throws Exception {
    RunId run = new RunId("test-" + (++runs));
    for (Activity activity : Activity.values()) {
      pipeline.extractor().run(activity, window, run, false);
      pipeline.transformer().run(activity, window, run);
      pipeline.loader().run(activity, window, run);
    }
    pipeline.promoter().run(Arrays.asList(Activity.values()), window, run);
    return run;
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

  /** A fingerprint of every production table: row count and a hash of all rows in key order. */
  private Map<String, String> production() throws SQLException {
    return production(null);
  }

  /** As {@link #production()}, leaving out one user-day when {@code excluded} is "user/date". */
  private Map<String, String> production(String excluded) throws SQLException {
    Map<String, String> snapshot = new LinkedHashMap<>();
    for (WarehouseTable table : Tables.activityTables()) {
      snapshot.put(
          table.name(),
          text(
              "SELECT COUNT(*) || ':' || COALESCE(MD5(STRING_AGG(t::text, ',' ORDER BY "
                  + String.join(", ", table.key())
                  + ")), '') FROM "
                  + table.production()
                  + " t "
                  + (excluded == null
                      ? ""
                      : "WHERE NOT (t.user_id = '"
                          + excluded.split("/")[0]
                          + "' AND "
                          + table.dayExpression("t")
                          + " = DATE '"
                          + excluded.split("/")[1]
                          + "')")));
    }
    return snapshot;
  }

  @Test
  void aWindowFillsEveryTableAndAccountsForEveryFileAndPoint() throws Exception {
    RunId run = runWindow(WINDOW);

    // 5 users x 5 days, less the planted bad files of each activity.
    assertEquals(
        24, count("SELECT COUNT(*) FROM fitbit.steps_daily"), "user08's error body is quarantined");
    assertEquals(
        24,
        count("SELECT COUNT(*) FROM fitbit.heart_rate_daily"),
        "user09's truncated file is quarantined");
    assertEquals(96, count("SELECT COUNT(*) FROM fitbit.heart_rate_zones"));
    for (String daily :
        List.of("calories_daily", "distance_daily", "floors_daily", "elevation_daily")) {
      assertEquals(25, count("SELECT COUNT(*) FROM fitbit." + daily), daily);
    }
    assertEquals(
        5 * 1440,
        count("SELECT COUNT(*) FROM fitbit.calories_intraday WHERE user_id = 'user03'"),
        "activity data is zero-filled: 1440 minutes a day");
    assertEquals(
        4,
        count("SELECT COUNT(*) FROM fitbit_ops.file_ledger WHERE status = 'quarantined'"),
        "error body, truncated file, bad user id, bad date folder");
    assertEquals(
        "Fitbit error response instead of data: system: Too Many Requests",
        text(
            "SELECT reason FROM fitbit_ops.file_ledger WHERE source_key = 'raw/user08/2026-11-19/steps.json'"));
    assertTrue(
        store.exists(config.lakeBucket(), "quarantine/steps/raw/user08/2026-11-19/steps.json"),
        "the bad file is kept in quarantine");
    try (InputStream in =
        store.open(
            config.lakeBucket(),
            "quarantine/heart_rate/raw/user09/2026-11-20/heart_rate.json.reason.txt")) {
      String reason = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(reason.contains("reason: truncated JSON"), reason);
    }

    // user12's planted bad points: null, string, bad time, negative, out of range; 3 repeats.
    assertEquals(
        "-5 value -5 is outside 0..300|25:00:00 time is not HH:mm:ss",
        text("SELECT STRING_AGG(COALESCE(raw_time, '') || ' ' || reason, '|' ORDER BY raw_time) FROM fitbit_ops.rejected_points"
                + " WHERE source_key = 'raw/user12/2026-11-17/steps.json' AND (raw_value = '-5' OR raw_time = '25:00:00')")
            .replace("23:57:00", "-5"));
    assertEquals(
        5, count("SELECT COUNT(*) FROM fitbit_ops.rejected_points WHERE activity = 'steps'"));
    assertEquals(
        42,
        count(
            "SELECT value FROM fitbit.steps_intraday WHERE user_id = 'user12' AND ts = '2026-11-17 08:00:00'"),
        "the last point of a repeated time wins");

    // Calories METs are stored as METs, not METs x 10.
    assertEquals(
        1.0,
        Double.parseDouble(text("SELECT MIN(mets) FROM fitbit.calories_intraday WHERE level = 0")),
        1e-9);

    // Identities, per activity, from the run statistics.
    try (Connection c = pipeline.warehouse().connect();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT activity, files_seen, files_loaded, files_skipped, files_quarantined, points_read,"
                    + " rows_written, points_rejected, duplicates FROM fitbit_ops.pipeline_runs"
                    + " WHERE run_id = '"
                    + run
                    + "' AND step = 'transform'")) {
      int activities = 0;
      while (rs.next()) {
        activities++;
        assertEquals(
            rs.getLong(2),
            rs.getLong(3) + rs.getLong(4) + rs.getLong(5),
            rs.getString(1) + " files");
        assertEquals(
            rs.getLong(6),
            rs.getLong(7) + rs.getLong(8) + rs.getLong(9),
            rs.getString(1) + " points");
        assertEquals(
            rs.getLong(7),
            count("SELECT COUNT(*) FROM fitbit." + rs.getString(1) + "_intraday"),
            rs.getString(1) + " rows written reach production");
      }
      assertEquals(6, activities);
    }
    for (WarehouseTable table : Tables.activityTables()) {
      assertEquals(
          0, count("SELECT COUNT(*) FROM " + table.staging()), "promote clears " + table.staging());
    }
    List<String> staged = new java.util.ArrayList<>();
    store.list(
        config.lakeBucket(), "staging/steps_intraday/date=2026-11-16/", o -> staged.add(o.key()));
    assertEquals(
        List.of("staging/steps_intraday/date=2026-11-16/" + run + "-steps.parquet"), staged);
  }

  @Test
  void aRerunChangesNoRow() throws Exception {
    runWindow(WINDOW);
    Map<String, String> before = production();
    long ledger = count("SELECT COUNT(*) FROM fitbit_ops.file_ledger");
    RunId second = runWindow(WINDOW);
    assertEquals(before, production());
    assertEquals(ledger, count("SELECT COUNT(*) FROM fitbit_ops.file_ledger"));
    assertEquals(
        0,
        count(
            "SELECT SUM(files_seen - files_skipped) FROM fitbit_ops.pipeline_runs WHERE run_id = '"
                + second
                + "' AND step = 'extract'"),
        "every file is skipped as unchanged");
  }

  @Test
  void aChangedFileReplacesItsUserDay() throws Exception {
    runWindow(WINDOW);
    Map<String, String> others = production("user03/2026-11-17");
    put(
        "user03/2026-11-17/steps.json",
        ("{\"activities-steps\":[{\"dateTime\":\"2026-11-17\",\"value\":\"30\"}],\"activities-steps-intraday\":"
                + "{\"dataset\":[{\"time\":\"09:00:00\",\"value\":10},{\"time\":\"09:01:00\",\"value\":20}],"
                + "\"datasetInterval\":1,\"datasetType\":\"minute\"}}")
            .getBytes(StandardCharsets.UTF_8));
    runWindow(WINDOW);
    assertEquals(
        2,
        count(
            "SELECT COUNT(*) FROM fitbit.steps_intraday WHERE user_id = 'user03' AND ts::date = '2026-11-17'"));
    assertEquals(
        30,
        count(
            "SELECT value FROM fitbit.steps_daily WHERE user_id = 'user03' AND date = '2026-11-17'"));
    assertEquals(others, production("user03/2026-11-17"), "other user-days are untouched");
  }

  @Test
  void aLateFileIsLoadedByTheNextWeeksRunAndCountedApart() throws Exception {
    runWindow(WINDOW);
    put(
        "late01/2026-11-18/floors.json",
        SampleWeek.generate(WINDOW).get("user03/2026-11-18/floors.json"));
    RunId next = runWindow(Window.dates("2026-11-23", "2026-11-29"));
    assertEquals(1, count("SELECT COUNT(*) FROM fitbit.floors_daily WHERE user_id = 'late01'"));
    assertEquals(
        1440, count("SELECT COUNT(*) FROM fitbit.floors_intraday WHERE user_id = 'late01'"));
    assertEquals(
        "1|0|1",
        text(
            "SELECT files_seen || '|' || files_skipped || '|' || (rows_per_table::json->>'late_files')"
                + " FROM fitbit_ops.pipeline_runs WHERE run_id = '"
                + next
                + "' AND activity = 'floors' AND step = 'extract'"),
        "extract lists the late file as seen and counts it apart");
    assertEquals(
        1,
        count(
            "SELECT SUM(files_loaded) FROM fitbit_ops.pipeline_runs WHERE run_id = '"
                + next
                + "' AND step = 'transform'"),
        "the late file is the only one loaded; the window's own files are unchanged");
    assertEquals(
        1,
        new PipelineRuns(pipeline.warehouse(), Clock.systemUTC(), Manifests.objectMapper())
            .report(next)
            .path("late_files")
            .asLong());
    // Unchanged files in the lookback weeks cost a listing: the week after sees none of them.
    RunId third = runWindow(Window.dates("2026-11-30", "2026-12-06"));
    assertEquals(
        0,
        count(
            "SELECT SUM(files_seen - files_skipped) FROM fitbit_ops.pipeline_runs WHERE run_id = '"
                + third
                + "' AND step = 'extract'"));
  }

  @Test
  void withoutLookbackALateFileWaitsForItsWeek() throws Exception {
    pipeline =
        newPipeline(
            servers.config(config.rawBucket(), config.lakeBucket(), Map.of("LOOKBACK_WEEKS", "0")));
    runWindow(WINDOW);
    put(
        "late01/2026-11-18/floors.json",
        SampleWeek.generate(WINDOW).get("user03/2026-11-18/floors.json"));
    runWindow(Window.dates("2026-11-23", "2026-11-29"));
    assertEquals(
        0,
        count("SELECT COUNT(*) FROM fitbit.floors_daily WHERE user_id = 'late01'"),
        "not in that window");
    runWindow(WINDOW);
    assertEquals(1, count("SELECT COUNT(*) FROM fitbit.floors_daily WHERE user_id = 'late01'"));
  }

  @Test
  void heartFilesNamedAfterTheResourceLoadAndUnknownFilesAreReported() throws Exception {
    byte[] heart = SampleWeek.generate(WINDOW).get("user03/2026-11-18/heart_rate.json");
    put("alias01/2026-11-18/heart.json", heart);
    // Both names for one user-day: the activity id's file wins, the other is quarantined.
    put("user03/2026-11-18/heart.json", heart);
    put("user03/2026-11-18/sleep.json", "{\"sleep\":[]}".getBytes(StandardCharsets.UTF_8));
    RunId run = runWindow(WINDOW);
    assertEquals(
        count(
            "SELECT COUNT(*) FROM fitbit.heart_rate_intraday WHERE user_id = 'user03'"
                + " AND ts::date = '2026-11-18'"),
        count("SELECT COUNT(*) FROM fitbit.heart_rate_intraday WHERE user_id = 'alias01'"));
    assertTrue(
        count("SELECT COUNT(*) FROM fitbit.heart_rate_intraday WHERE user_id = 'alias01'") > 0);
    assertEquals(
        1, count("SELECT COUNT(*) FROM fitbit.heart_rate_daily WHERE user_id = 'alias01'"));
    assertEquals(
        "quarantined|another file holds the same user-day: raw/user03/2026-11-18/heart_rate.json",
        text(
            "SELECT status || '|' || reason FROM fitbit_ops.file_ledger"
                + " WHERE source_key = 'raw/user03/2026-11-18/heart.json'"));
    var report =
        new PipelineRuns(pipeline.warehouse(), Clock.systemUTC(), Manifests.objectMapper())
            .report(run);
    // user03's sleep.json (the sample's user01 is not uploaded here).
    assertEquals(1, report.path("unrecognised_files").asLong(), report.toString());
    String message =
        report.path("activities").path("steps").path("extract").path("message").asText();
    assertTrue(message.contains("raw/user03/2026-11-18/sleep.json"), message);
  }

  @Test
  void aFailedCheckRollsEverythingBack() throws Exception {
    RunId run = new RunId("check-fails");
    for (Activity activity : List.of(Activity.STEPS, Activity.FLOORS)) {
      pipeline.extractor().run(activity, WINDOW, run, false);
      pipeline.transformer().run(activity, WINDOW, run);
      pipeline.loader().run(activity, WINDOW, run);
    }
    try (Connection c = pipeline.warehouse().connect();
        Statement s = c.createStatement()) {
      // Same row count as transform wrote, but one key twice.
      s.execute(
          "DELETE FROM fitbit_staging.steps_intraday WHERE user_id = 'user03' AND ts = '2026-11-16 00:00:00'");
      s.execute(
          "INSERT INTO fitbit_staging.steps_intraday SELECT * FROM fitbit_staging.steps_intraday WHERE user_id = 'user03' AND ts = '2026-11-16 00:01:00'");
    }
    StepFailure failure =
        assertThrows(
            StepFailure.class,
            () -> pipeline.promoter().run(List.of(Activity.FLOORS, Activity.STEPS), WINDOW, run));
    assertEquals(StepFailure.CHECK_FAILED, failure.exitCode());
    assertEquals(
        "check 'no duplicate keys' failed on fitbit_staging.steps_intraday: 1 keys [user_id, ts] occur more than once; nothing was promoted",
        failure.getMessage());
    assertEquals(
        0,
        count("SELECT COUNT(*) FROM fitbit.floors_intraday"),
        "floors passed its checks but is rolled back too");
    assertEquals(0, count("SELECT COUNT(*) FROM fitbit_ops.file_ledger"));
    assertNotEquals(
        0,
        count("SELECT COUNT(*) FROM fitbit_staging.floors_intraday"),
        "staging is kept for a fix and a retry");
    assertEquals(
        "failed",
        text(
            "SELECT status FROM fitbit_ops.pipeline_runs WHERE run_id = 'check-fails' AND activity = 'steps' AND step = 'promote'"));
  }

  @Test
  void theStagingChecksNameTheTableAndWhatIsWrong() throws Exception {
    RunId run = new RunId("checks-name");
    pipeline.extractor().run(Activity.STEPS, WINDOW, run, false);
    pipeline.transformer().run(Activity.STEPS, WINDOW, run);
    pipeline.loader().run(Activity.STEPS, WINDOW, run);
    long staged = count("SELECT COUNT(*) FROM fitbit_staging.steps_intraday");
    String oneRow = "user_id = 'user03' AND ts = '2026-11-17 00:00:00'";
    try (Connection c = pipeline.warehouse().connect();
        Statement s = c.createStatement()) {
      s.execute(
          "CREATE TABLE public.kept_row AS SELECT * FROM fitbit_staging.steps_intraday WHERE "
              + oneRow);
      s.execute("DELETE FROM fitbit_staging.steps_intraday WHERE " + oneRow);
    }
    StepFailure rows =
        assertThrows(
            StepFailure.class, () -> pipeline.promoter().run(List.of(Activity.STEPS), WINDOW, run));
    assertEquals(
        "check 'row counts' failed on fitbit_staging.steps_intraday: "
            + (staged - 1)
            + " rows staged, but transform wrote "
            + staged
            + "; nothing was promoted",
        rows.getMessage());
    try (Connection c = pipeline.warehouse().connect();
        Statement s = c.createStatement()) {
      s.execute("INSERT INTO fitbit_staging.steps_intraday SELECT * FROM public.kept_row");
      s.execute("DROP TABLE public.kept_row");
      // The user-day's rows are staged, but its ledger row no longer says loaded.
      s.execute(
          "UPDATE fitbit_staging.file_ledger SET status = 'skipped' WHERE activity = 'steps'"
              + " AND user_id = 'user03' AND date = '2026-11-17'");
    }
    assertPromoteNamesOneUserDayWithoutLedgerEntry(run);
    assertEquals(0, count("SELECT COUNT(*) FROM fitbit.steps_intraday"));
  }

  @Test
  void stagedRowsOfADayThatWasNotLoadedFailTheCheckEvenWhenTheyMeetProductionRows()
      throws Exception {
    // The user-day check runs after the INSERT; rows of a day whose file was not loaded keep that
    // day's production rows, so here the key breaks first and must still name the user-day.
    RunId run = new RunId("orphans-meet-production");
    pipeline.extractor().run(Activity.STEPS, WINDOW, run, false);
    pipeline.transformer().run(Activity.STEPS, WINDOW, run);
    pipeline.loader().run(Activity.STEPS, WINDOW, run);
    pipeline.promoter().run(List.of(Activity.STEPS), WINDOW, run);
    long promoted = count("SELECT COUNT(*) FROM fitbit.steps_intraday");
    pipeline.loader().run(Activity.STEPS, WINDOW, run);
    try (Connection c = pipeline.warehouse().connect();
        Statement s = c.createStatement()) {
      s.execute(
          "UPDATE fitbit_staging.file_ledger SET status = 'skipped' WHERE activity = 'steps'"
              + " AND user_id = 'user03' AND date = '2026-11-17'");
    }
    assertPromoteNamesOneUserDayWithoutLedgerEntry(run);
    assertEquals(promoted, count("SELECT COUNT(*) FROM fitbit.steps_intraday"));
  }

  /** Promote of steps fails on the user-day check, naming one user-day, with its exit code. */
  private void assertPromoteNamesOneUserDayWithoutLedgerEntry(RunId run) {
    StepFailure orphans =
        assertThrows(
            StepFailure.class, () -> pipeline.promoter().run(List.of(Activity.STEPS), WINDOW, run));
    assertEquals(StepFailure.CHECK_FAILED, orphans.exitCode());
    assertEquals(
        "check 'every staged user-day has its ledger entry' failed on"
            + " fitbit_staging.steps_intraday: 1 user-days have no loaded ledger entry;"
            + " nothing was promoted",
        orphans.getMessage());
  }

  @Test
  void promotesOfDifferentActivitiesTakeTurns() throws Exception {
    // On an empty warehouse promote rebuilds each production key under the table's exclusive lock
    // while data_yield reads every activity's tables: two promotes at once would deadlock unless
    // they take turns. Both are held at the promote lock, then let go together.
    RunId run = new RunId("take-turns");
    List<Activity> activities = List.of(Activity.STEPS, Activity.HEART_RATE);
    for (Activity activity : activities) {
      pipeline.extractor().run(activity, WINDOW, run, false);
      pipeline.transformer().run(activity, WINDOW, run);
      pipeline.loader().run(activity, WINDOW, run);
    }
    java.util.concurrent.ExecutorService pool =
        java.util.concurrent.Executors.newFixedThreadPool(2);
    try (Connection holder = pipeline.warehouse().connect()) {
      holder.setAutoCommit(false);
      pipeline.warehouse().dialect().lockPromotes(holder);
      List<java.util.concurrent.Future<?>> promotes =
          activities.stream()
              .<java.util.concurrent.Future<?>>map(
                  a -> pool.submit(() -> pipeline.promoter().run(List.of(a), WINDOW, run)))
              .toList();
      long deadline = System.nanoTime() + 60_000_000_000L;
      while (count(
              "SELECT COUNT(*) FROM pg_stat_activity WHERE wait_event = 'advisory'"
                  + " AND query LIKE '%pg_advisory_xact_lock(7305724)%'")
          < 2) {
        assertTrue(System.nanoTime() < deadline, "both promotes wait for the promote lock");
        Thread.sleep(50);
      }
      holder.commit();
      for (java.util.concurrent.Future<?> promote : promotes) {
        promote.get(120, java.util.concurrent.TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    assertTrue(count("SELECT COUNT(*) FROM fitbit.steps_intraday") > 0);
    assertTrue(count("SELECT COUNT(*) FROM fitbit.heart_rate_intraday") > 0);
    assertEquals(0, count("SELECT COUNT(*) FROM fitbit_staging.file_ledger"));
    assertEquals(
        2,
        count(
            "SELECT COUNT(DISTINCT activity) FROM fitbit_ops.file_ledger WHERE status = 'loaded'"));
    assertEquals(
        2,
        count(
            "SELECT COUNT(*) FROM pg_constraint WHERE contype = 'p' AND conrelid IN"
                + " ('fitbit.steps_intraday'::regclass, 'fitbit.heart_rate_intraday'::regclass)"));
  }

  @Test
  void stepsRunAloneWithClearExitCodes() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    StepRunner runner =
        new StepRunner(pipeline, new PrintStream(out, true), new PrintStream(err, true));
    StepOptions steps = new StepOptions(List.of("steps"), "2026-W47", null, null, "alone");
    assertEquals(4, runner.run(StepName.TRANSFORM, steps, false));
    assertTrue(
        err.toString()
            .startsWith(
                "ERROR: no manifest at s3://"
                    + config.lakeBucket()
                    + "/manifests/alone/steps/extract.json"),
        err.toString());
    assertEquals(
        2,
        runner.run(
            StepName.EXTRACT,
            new StepOptions(List.of("sleep"), "2026-W47", null, null, "alone"),
            false));
    assertTrue(err.toString().contains("ERROR: unknown activity 'sleep'"), err.toString());
    assertEquals(0, runner.run(StepName.EXTRACT, steps, true), "dry run");
    assertTrue(
        !store.exists(config.lakeBucket(), "manifests/alone/steps/extract.json"),
        "a dry run writes nothing");
    for (StepName step :
        List.of(StepName.EXTRACT, StepName.TRANSFORM, StepName.LOAD, StepName.PROMOTE)) {
      assertEquals(0, runner.run(step, steps, false), step + ": " + err);
    }
    String[] lines = out.toString().trim().split("\n");
    String report = lines[lines.length - 1];
    assertTrue(report.startsWith("{\"run_id\":\"alone\""), report);
    assertTrue(report.contains("\"steps\":{\"extract\":"), report);
    assertEquals(24, count("SELECT COUNT(*) FROM fitbit.steps_daily"));
  }

  @Test
  void warehouseErrorsNeverShowThePassword() throws Exception {
    PipelineConfig wrong =
        config.withWarehouse("jdbc:postgresql://127.0.0.1:1/nothing", "someone", "s3cr3t-Pa55");
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        new StepRunner(
                newPipeline(wrong),
                new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(err, true))
            .run(
                StepName.EXTRACT,
                new StepOptions(List.of("steps"), "2026-W47", null, null, null),
                false);
    assertEquals(3, code);
    assertTrue(err.toString().startsWith("ERROR: warehouse:"), err.toString());
    assertTrue(!err.toString().contains("s3cr3t-Pa55"));
    assertTrue(!wrong.toString().contains("s3cr3t-Pa55"));
  }
}

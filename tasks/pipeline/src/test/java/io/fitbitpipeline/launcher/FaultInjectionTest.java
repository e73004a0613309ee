package io.fitbitpipeline.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fitbitpipeline.core.activity.Activity;
import io.fitbitpipeline.core.cli.ExitCodes;
import io.fitbitpipeline.core.lake.StoredObject;
import io.fitbitpipeline.core.run.RunId;
import io.fitbitpipeline.core.step.FaultProxy;
import io.fitbitpipeline.core.step.FaultProxy.Fault;
import io.fitbitpipeline.core.step.Pipeline;
import io.fitbitpipeline.launcher.FaultBench.Scenario;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The fault-injection suite (scripts/test-faults.sh; docs/reliability.md). Every case runs the same
 * input on real servers on loopback, injects one kind of fault, and ends with the warehouse exactly
 * equal to a clean run of that input ({@link WarehouseSnapshot}): production tables, the ledger,
 * the rejects, and nothing left in staging.
 */
@Tag("faults")
@org.junit.jupiter.api.Timeout(value = 6, unit = java.util.concurrent.TimeUnit.MINUTES)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.MethodName.class)
class FaultInjectionTest {
  private static final Duration STEP_TIMEOUT = Duration.ofMinutes(3);

  private FaultBench bench;
  private WarehouseSnapshot clean;
  private FaultCaseLog cases;

  @BeforeAll
  void cleanRun() throws Exception {
    bench = new FaultBench(Files.createTempDirectory("fitbit-faults-"));
    cases = FaultCaseLog.fromSystem();
    Scenario s = bench.scenario("clean");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    assertEquals(0, s.run("clean", out), out.toString(StandardCharsets.UTF_8));
    clean = s.snapshot();
    // The reference must hold every kind of row, or "equal" would prove little.
    assertTrue(
        clean.tables().get("fitbit.heart_rate_intraday").matches("rows=[1-9].*"), "" + clean);
    assertTrue(
        clean.tables().get("fitbit_ops.rejected_points").matches("rows=[1-9].*"), "" + clean);
    assertTrue(clean.tables().get("fitbit_ops.file_ledger").matches("rows=[1-9].*"), "" + clean);
    assertEquals("0", clean.tables().get("fitbit_staging (rows left)"));
  }

  @AfterAll
  void stop() throws Exception {
    if (bench != null) {
      bench.close();
    }
  }

  // ---------------------------------------------------------------- S3

  @Test
  void s3_1_errorBursts() throws Exception {
    cases.record(
        "S3-1",
        "S3",
        "500 InternalError and 503 SlowDown bursts on every GET",
        () -> {
          Scenario s = bench.scenario("s3 bursts");
          // Half the GETs fail once (500 or 503), a third of those twice: the SDK's retries absorb
          // it (throttling backs off for longer, so not every GET: the case must stay short).
          FaultProxy.Plan plan =
              (path, attempt) -> {
                int h = Math.floorMod(path.hashCode(), 6);
                if (attempt == 1 && h % 2 == 0) {
                  return h % 4 == 0 ? Fault.SLOW_DOWN : Fault.INTERNAL_ERROR;
                }
                return attempt == 2 && h == 0 ? Fault.SLOW_DOWN : Fault.PASS;
              };
          try (FaultProxy proxy = new FaultProxy(s3(s), plan, 0, 0)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int code = s.run(proxy.endpoint(), "bursts", out);
            String log = out.toString(StandardCharsets.UTF_8);
            assertEquals(0, code, log);
            assertTrue(log.contains("the SDK retries, attempt 2"), log);
            assertTrue(log.contains("the SDK retries, attempt 3"), log);
            assertExact(s);
            return proxy.injected(Fault.SLOW_DOWN)
                + " SlowDown and "
                + proxy.injected(Fault.INTERNAL_ERROR)
                + " InternalError answers retried by the SDK (logged); warehouse exact";
          }
        });
  }

  @Test
  void s3_2_resetsMidBody() throws Exception {
    cases.record(
        "S3-2",
        "S3",
        "connections reset or closed in the middle of raw object bodies",
        () -> {
          Scenario s = bench.scenario("s3 resets");
          String raw = "/" + s.config().rawBucket() + "/raw/";
          FaultProxy.Plan plan =
              (path, attempt) ->
                  path.startsWith(raw)
                          && (attempt == 1
                              || attempt == 2 && Math.floorMod(path.hashCode(), 3) == 0)
                      ? Fault.RESET_MID_BODY
                      : Fault.PASS;
          try (FaultProxy proxy = new FaultProxy(s3(s), plan, 1500, 0)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int code = s.run(proxy.endpoint(), "resets", out);
            String log = out.toString(StandardCharsets.UTF_8);
            assertEquals(0, code, log);
            assertTrue(log.contains("attempt 3 of 3"), log);
            assertExact(s);
            return proxy.injected(Fault.RESET_MID_BODY)
                + " bodies cut (reset or short close), each object read again from the start;"
                + " warehouse exact";
          }
        });
  }

  @Test
  void s3_3_slowAnswers() throws Exception {
    cases.record(
        "S3-3",
        "S3",
        "slow answers (1.5 s before the first byte on an eighth of the GETs)",
        () -> {
          Scenario s = bench.scenario("s3 slow");
          FaultProxy.Plan plan =
              (path, attempt) ->
                  attempt == 1 && Math.floorMod(path.hashCode(), 8) == 0
                      ? Fault.SLOW_ANSWER
                      : Fault.PASS;
          try (FaultProxy proxy = new FaultProxy(s3(s), plan, 0, 1500)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int code = s.run(proxy.endpoint(), "slow", out);
            assertEquals(0, code, out.toString(StandardCharsets.UTF_8));
            assertExact(s);
            return proxy.injected(Fault.SLOW_ANSWER) + " answers held back 1.5 s; warehouse exact";
          }
        });
  }

  @Test
  void s3_4_retriesExhausted() throws Exception {
    cases.record(
        "S3-4",
        "S3",
        "one raw object answers 503 SlowDown on every attempt",
        () -> {
          Scenario s = bench.scenario("s3 exhausted");
          String victim = "/" + s.config().rawBucket() + "/raw/user01/2026-11-17/steps.json";
          FaultProxy.Plan plan =
              (path, attempt) -> path.equals(victim) ? Fault.SLOW_DOWN : Fault.PASS;
          try (FaultProxy proxy = new FaultProxy(s3(s), plan, 0, 0)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int code = s.run(proxy.endpoint(), "exhausted", out);
            String log = out.toString(StandardCharsets.UTF_8);
            assertEquals(3, code, log);
            String error = errorLine(log);
            assertTrue(error.contains("raw/user01/2026-11-17/steps.json"), error);
            assertTrue(error.contains("503") || error.contains("Slow Down"), error);
            assertProductionEmpty(s);
            ByteArrayOutputStream again = new ByteArrayOutputStream();
            assertEquals(
                0, s.run("exhausted-rerun", again), again.toString(StandardCharsets.UTF_8));
            assertExact(s);
            return "exit 3 after "
                + proxy.injected(Fault.SLOW_DOWN)
                + " attempts, "
                + error.substring(0, Math.min(error.length(), 160))
                + "; production untouched; the rerun is exact";
          }
        });
  }

  // ---------------------------------------------------------------- warehouse

  @Test
  void warehouse_1_backendTerminatedMidLoad() throws Exception {
    cases.record(
        "WH-1",
        "warehouse",
        "pg_terminate_backend while load COPYs into staging",
        () -> terminateDuring("wh load", "COPY fitbit_staging.%"));
  }

  @Test
  void warehouse_2_backendTerminatedMidPromote() throws Exception {
    cases.record(
        "WH-2",
        "warehouse",
        "pg_terminate_backend while promote writes production",
        () -> terminateDuring("wh promote", "INSERT INTO fitbit.%"));
  }

  /** Terminates the backend that runs a statement like {@code pattern}, as soon as it runs. */
  private String terminateDuring(String name, String pattern) throws Exception {
    Scenario s = bench.scenario(name);
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try (Connection watcher = s.connect()) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      Future<Integer> run = pool.submit(() -> s.run("terminated", out));
      int pid = awaitStatement(watcher, pattern, run);
      assertTrue(pid > 0, "the statement " + pattern + " was never seen running");
      try (PreparedStatement t = watcher.prepareStatement("SELECT pg_terminate_backend(?)")) {
        t.setInt(1, pid);
        t.execute();
      }
      int code = run.get(5, TimeUnit.MINUTES);
      String log = out.toString(StandardCharsets.UTF_8);
      assertEquals(3, code, log);
      String error = errorLine(log);
      // The database's reason, or (mid-COPY, where the driver is writing when the socket dies)
      // the driver's words for a lost connection; never the failure of the cleanup after it.
      assertTrue(
          error.matches(
              "(?s).*(terminating connection due to administrator command|An I/O error occurred"
                  + " while sending to the backend|Database connection failed when (writing to|ending)"
                  + " copy).*"),
          error);
      assertProductionEmpty(s);
      ByteArrayOutputStream again = new ByteArrayOutputStream();
      assertEquals(0, s.run("rerun", again), again.toString(StandardCharsets.UTF_8));
      assertExact(s);
      return "backend "
          + pid
          + " terminated; exit 3, "
          + error.substring(0, Math.min(error.length(), 140))
          + "; production untouched; the rerun is exact";
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void warehouse_3_serverRestartedDuringRun() throws Exception {
    cases.record(
        "WH-3",
        "warehouse",
        "PostgreSQL restarted (pg_ctl restart -m fast) during load",
        () -> {
          Scenario s = bench.scenario("wh restart");
          ExecutorService pool = Executors.newSingleThreadExecutor();
          try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            Future<Integer> run = pool.submit(() -> s.run("restarted", out));
            try (Connection watcher = s.connect()) {
              assertTrue(awaitStatement(watcher, "COPY fitbit_staging.%", run) > 0, "no COPY seen");
            }
            bench.postgres.restart();
            int code = run.get(5, TimeUnit.MINUTES);
            String log = out.toString(StandardCharsets.UTF_8);
            assertEquals(3, code, log);
            String error = errorLine(log);
            assertProductionEmpty(s);
            ByteArrayOutputStream again = new ByteArrayOutputStream();
            assertEquals(0, s.run("rerun", again), again.toString(StandardCharsets.UTF_8));
            assertExact(s);
            return "exit 3, "
                + error.substring(0, Math.min(error.length(), 140))
                + "; production untouched; the rerun is exact";
          } finally {
            pool.shutdownNow();
          }
        });
  }

  // ---------------------------------------------------------------- process

  @Test
  void process_1_sigkillAtAndInEachBatchStep() throws Exception {
    cases.record(
        "PROC-1",
        "process",
        "SIGKILL of each batch step process (extract, transform, load, promote), at its start and"
            + " in its middle; each step retried as Airflow does",
        () -> {
          Scenario s = bench.scenario("proc batch");
          String run = "dag-run-1";
          List<String> kills = new ArrayList<>();
          // Every activity but heart_rate goes through in this JVM; heart_rate, the largest,
          // runs as separate step processes, killed twice per step, then retried to the end.
          ByteArrayOutputStream out = new ByteArrayOutputStream();
          Pipeline pipeline = s.pipeline(out);
          pipeline.migrate();
          for (Activity a : Activity.values()) {
            if (a != Activity.HEART_RATE) {
              pipeline.extractor().run(a, FaultBench.WINDOW, new RunId(run), false);
              pipeline.transformer().run(a, FaultBench.WINDOW, new RunId(run));
              pipeline.loader().run(a, FaultBench.WINDOW, new RunId(run));
            }
          }
          try (Connection watcher = s.connect()) {
            for (String step : List.of("extract", "transform", "load", "promote")) {
              List<String> args = new ArrayList<>(List.of(step));
              args.addAll(FaultBench.Scenario.window());
              if (!step.equals("promote")) {
                args.addAll(List.of("--activity", "heart_rate"));
              }
              args.addAll(List.of("--run-id", run));
              // At its start: as soon as it has recorded itself as running.
              String before = startedAt(watcher, run, step);
              LauncherProcess first = s.start(args);
              boolean started =
                  first.awaitWhileAlive(
                      () -> !java.util.Objects.equals(before, startedAt(watcher, run, step)),
                      STEP_TIMEOUT);
              first.kill();
              kills.add(step + (started ? " at start" : " (ended before the kill)"));
              // In its middle: at the step's own work.
              String again = startedAt(watcher, run, step);
              LauncherProcess second = s.start(args);
              boolean middle =
                  second.awaitWhileAlive(
                      () -> inMiddle(watcher, s, run, step, again), STEP_TIMEOUT);
              second.kill();
              kills.add(step + (middle ? " mid-step" : " (ended before the kill)"));
              assertProductionEmpty(s);
              assertLakeHoldsWholeFilesOnly(s);
              // The retry.
              LauncherProcess retry = s.start(args);
              assertEquals(0, retry.waitFor(STEP_TIMEOUT), retry.output());
            }
          }
          assertExact(s);
          assertLakeHoldsWholeFilesOnly(s);
          assertTrue(
              kills.stream().filter(k -> k.contains("ended before")).count() <= 2,
              "most kills must land inside their step: " + kills);
          return "killed: "
              + String.join(", ", kills)
              + "; after each retry the warehouse is exact";
        });
  }

  @Test
  void process_2_sigkillInEachLakehouseStage() throws Exception {
    cases.record(
        "PROC-2",
        "process",
        "SIGKILL of the lakehouse's ingest consumer (mid-batch), silver and gold (mid-transaction),"
            + " each restarted",
        () -> {
          String kafka = bench.kafka().bootstrapServers();
          Scenario input = bench.scenario("lh input");
          Map<String, String> base = new LinkedHashMap<>(input.environment());
          base.put("KAFKA_BOOTSTRAP_SERVERS", kafka);
          base.put("LAKEHOUSE_MAX_BATCH_RECORDS", "5000");
          LauncherProcess simulate =
              LauncherProcess.start(
                  base,
                  List.of("stream", "simulate", "--users", "6", "--days", "1", "--seed", "11"),
                  input.stateDir().resolve("logs"));
          assertEquals(0, simulate.waitFor(STEP_TIMEOUT), simulate.output());

          Scenario clean = bench.scenario("lh clean");
          Scenario killed = bench.scenario("lh killed");
          for (Scenario s : List.of(clean, killed)) {
            // The same topics and landing files; a warehouse and a lake of its own.
            Map<String, String> env = new LinkedHashMap<>(s.environment());
            env.put("KAFKA_BOOTSTRAP_SERVERS", kafka);
            env.put("LAKEHOUSE_MAX_BATCH_RECORDS", "5000");
            env.put("RAW_BUCKET", input.config().rawBucket());
            boolean kill = s == killed;
            try (Connection watcher = s.connect()) {
              for (String topic : List.of("user_info", "workout", "landing", "bpm")) {
                List<String> args =
                    topic.equals("landing")
                        ? List.of("stream", "ingest", "--landing")
                        : List.of("stream", "ingest", "--topic", topic);
                if (kill && topic.equals("bpm")) {
                  killWhen(
                      env,
                      args,
                      s,
                      () ->
                          count(
                                      watcher,
                                      "SELECT COUNT(*) FROM bronze.ingest_batches WHERE status = 'pending'")
                                  > 0
                              && count(
                                      watcher,
                                      "SELECT COUNT(*) FROM bronze.ingest_batches WHERE status = 'committed'")
                                  > 0);
                }
                finish(env, args, s);
              }
              if (kill) {
                killWhen(
                    env,
                    List.of("stream", "silver"),
                    s,
                    () -> activePidQuietly(watcher, "%silver.%") > 0);
              }
              finish(env, List.of("stream", "silver"), s);
              if (kill) {
                killWhen(
                    env,
                    List.of("stream", "gold"),
                    s,
                    () -> activePidQuietly(watcher, "%gold.%") > 0);
              }
              finish(env, List.of("stream", "gold"), s);
            }
          }
          WarehouseSnapshot expected;
          try (Connection c = clean.connect()) {
            expected = WarehouseSnapshot.lakehouse(c);
          }
          assertTrue(
              expected.tables().get("gold.workout_bpm_summary").matches("rows=[1-9].*"),
              "" + expected);
          try (Connection c = killed.connect()) {
            assertEquals("", WarehouseSnapshot.lakehouse(c).differences(expected));
            assertEquals(
                0, count(c, "SELECT COUNT(*) FROM bronze.ingest_batches WHERE status = 'pending'"));
          }
          return "ingest killed with a batch pending, silver and gold killed inside their"
              + " transactions; after the restarts bronze, silver and gold equal a clean run's";
        });
  }

  private static void killWhen(
      Map<String, String> env,
      List<String> args,
      Scenario s,
      java.util.function.BooleanSupplier when)
      throws Exception {
    LauncherProcess p = LauncherProcess.start(env, args, s.stateDir().resolve("logs"));
    boolean hit = p.awaitWhileAlive(when, STEP_TIMEOUT);
    p.kill();
    assertTrue(hit, String.join(" ", args) + " ended before the kill:\n" + p.output());
  }

  private static void finish(Map<String, String> env, List<String> args, Scenario s)
      throws Exception {
    LauncherProcess p = LauncherProcess.start(env, args, s.stateDir().resolve("logs"));
    assertEquals(0, p.waitFor(STEP_TIMEOUT), String.join(" ", args) + ":\n" + p.output());
  }

  private static long count(Connection c, String sql) {
    try (PreparedStatement s = c.prepareStatement(sql);
        ResultSet rs = s.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    } catch (SQLException e) {
      return 0; // Not migrated yet.
    }
  }

  private static int activePidQuietly(Connection c, String pattern) {
    try {
      return activePid(c, pattern);
    } catch (SQLException e) {
      return 0;
    }
  }

  /** The step's started_at in pipeline_runs (rewritten by every attempt), or null. */
  private static String startedAt(Connection c, String run, String step) {
    try (PreparedStatement s =
        c.prepareStatement(
            "SELECT MAX(started_at)::text FROM fitbit_ops.pipeline_runs WHERE run_id = ? AND step"
                + " = ? AND status = 'running'")) {
      s.setString(1, run);
      s.setString(2, step);
      try (ResultSet rs = s.executeQuery()) {
        return rs.next() ? rs.getString(1) : null;
      }
    } catch (SQLException e) {
      return null; // Not migrated yet.
    }
  }

  /**
   * The middle of each step: extract after it recorded itself (it lists and compares next);
   * transform once one date's Parquet is in the lake and more are to come; load while COPY runs;
   * promote while it writes production.
   */
  private static boolean inMiddle(
      Connection c, Scenario s, String run, String step, String previousStart) {
    try {
      return switch (step) {
        case "extract" -> !java.util.Objects.equals(previousStart, startedAt(c, run, step));
        case "transform" ->
            objects(s, "staging/heart_rate_intraday/").stream()
                .anyMatch(o -> o.key().contains(run));
        case "load" -> activePid(c, "COPY fitbit_staging.heart_rate%") > 0;
        default -> activePid(c, "INSERT INTO fitbit.%") > 0;
      };
    } catch (Exception e) {
      return false;
    }
  }

  // ---------------------------------------------------------------- concurrency

  @Test
  void concurrency_1_twoRunsOfOneWindowAtOnce() throws Exception {
    cases.record(
        "CONC-1",
        "concurrency",
        "two whole-window runs of the same window started at once",
        () -> {
          Scenario s = bench.scenario("conc same");
          List<String> logs = together(s, List.of("same-a", "same-b"), List.of(s, s), false);
          String both = String.join("\n", logs);
          assertTrue(both.contains("waiting for the run lock, held by 'fitbit run same-"), both);
          assertExact(s);
          return "both exit 0; the second waited for the lock naming the holder; warehouse exact";
        });
  }

  @Test
  void concurrency_2_runOverlappingBackfill() throws Exception {
    cases.record(
        "CONC-2",
        "concurrency",
        "a run and a backfill of an overlapping window (16-18 and 17-18 Nov) at once",
        () -> {
          Scenario s = bench.scenario("conc backfill");
          ExecutorService pool = Executors.newFixedThreadPool(2);
          try {
            CyclicBarrier start = new CyclicBarrier(2);
            ByteArrayOutputStream a = new ByteArrayOutputStream();
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            Future<Integer> run =
                pool.submit(
                    () -> {
                      start.await();
                      return s.run(s3(s), "weekly", a, FaultBench.WINDOW);
                    });
            Future<Integer> backfill =
                pool.submit(
                    () -> {
                      start.await();
                      return s.run(
                          s3(s),
                          "backfill",
                          b,
                          io.fitbitpipeline.core.run.Window.dates("2026-11-17", "2026-11-18"));
                    });
            String logs = a.toString(StandardCharsets.UTF_8) + b.toString(StandardCharsets.UTF_8);
            assertEquals(0, run.get(5, TimeUnit.MINUTES), a.toString(StandardCharsets.UTF_8));
            assertEquals(0, backfill.get(5, TimeUnit.MINUTES), b.toString(StandardCharsets.UTF_8));
            logs = a.toString(StandardCharsets.UTF_8) + b.toString(StandardCharsets.UTF_8);
            assertTrue(logs.contains("waiting for the run lock, held by"), logs);
            assertExact(s);
            return "both exit 0; one waited for the other; warehouse exact";
          } finally {
            pool.shutdownNow();
          }
        });
  }

  @Test
  void concurrency_3_twoDagRunsOfSeparateStepProcesses() throws Exception {
    cases.record(
        "CONC-3",
        "concurrency",
        "two DAG-style runs (extract, transform, load, promote as separate steps, no run lock)"
            + " of the same window, interleaved",
        () -> {
          Scenario s = bench.scenario("conc dag");
          ByteArrayOutputStream outA = new ByteArrayOutputStream();
          ByteArrayOutputStream outB = new ByteArrayOutputStream();
          Pipeline a = s.pipeline(outA);
          Pipeline b = s.pipeline(outB);
          a.migrate();
          List<Activity> all = Arrays.asList(Activity.values());
          RunId ra = new RunId("dag-a");
          RunId rb = new RunId("dag-b");
          // Both extract and transform before either loads: they stage the same files.
          for (Activity act : all) {
            a.extractor().run(act, FaultBench.WINDOW, ra, false);
            b.extractor().run(act, FaultBench.WINDOW, rb, false);
            a.transformer().run(act, FaultBench.WINDOW, ra);
            b.transformer().run(act, FaultBench.WINDOW, rb);
          }
          // The loads of both runs at the same moment, per activity.
          ExecutorService pool = Executors.newFixedThreadPool(2);
          try {
            for (Activity act : all) {
              CyclicBarrier together = new CyclicBarrier(2);
              Future<Integer> la =
                  pool.submit(
                      () -> {
                        together.await();
                        return new ExitCodes(new java.io.PrintStream(outA, true))
                            .run(() -> a.loader().run(act, FaultBench.WINDOW, ra));
                      });
              Future<Integer> lb =
                  pool.submit(
                      () -> {
                        together.await();
                        return new ExitCodes(new java.io.PrintStream(outB, true))
                            .run(() -> b.loader().run(act, FaultBench.WINDOW, rb));
                      });
              assertEquals(0, la.get(3, TimeUnit.MINUTES), outA.toString(StandardCharsets.UTF_8));
              assertEquals(0, lb.get(3, TimeUnit.MINUTES), outB.toString(StandardCharsets.UTF_8));
            }
            CyclicBarrier together = new CyclicBarrier(2);
            Future<Integer> pa =
                pool.submit(
                    () -> {
                      together.await();
                      return new ExitCodes(new java.io.PrintStream(outA, true))
                          .run(() -> a.promoter().run(all, FaultBench.WINDOW, ra));
                    });
            Future<Integer> pb =
                pool.submit(
                    () -> {
                      together.await();
                      return new ExitCodes(new java.io.PrintStream(outB, true))
                          .run(() -> b.promoter().run(all, FaultBench.WINDOW, rb));
                    });
            int codeA = pa.get(3, TimeUnit.MINUTES);
            int codeB = pb.get(3, TimeUnit.MINUTES);
            String logs =
                outA.toString(StandardCharsets.UTF_8)
                    + "\n"
                    + outB.toString(StandardCharsets.UTF_8);
            assertEquals(List.of(0, 0), List.of(codeA, codeB), logs);
          } finally {
            pool.shutdownNow();
          }
          assertExact(s);
          return "every load and both promotes exit 0; staging is replaced whole under a lock, so"
              + " production holds each row once; warehouse exact";
        });
  }

  // ---------------------------------------------------------------- disk

  @Test
  void disk_1_workFolderFullDuringTransform() throws Exception {
    cases.record(
        "DISK-1",
        "disk",
        "the work folder (a 12 KiB tmpfs) fills up during transform",
        () -> {
          Scenario s = bench.scenario("disk full");
          Path mount = Files.createDirectories(s.stateDir().resolve("small-work"));
          if (!mountTmpfs(mount, "12k")) {
            org.junit.jupiter.api.Assumptions.abort(
                "cannot mount a tmpfs here (needs root and mount rights)");
          }
          try {
            RunId run = new RunId("disk");
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            Pipeline small = s.pipeline(s3(s), out, mount);
            small.migrate();
            small.extractor().run(Activity.HEART_RATE, FaultBench.WINDOW, run, false);
            int code =
                new ExitCodes(new java.io.PrintStream(out, true))
                    .run(
                        () -> small.transformer().run(Activity.HEART_RATE, FaultBench.WINDOW, run));
            String log = out.toString(StandardCharsets.UTF_8);
            assertEquals(3, code, log);
            String error = errorLine(log);
            assertTrue(error.contains("No space left on device"), error);
            assertLakeHoldsWholeFilesOnly(s);
            assertTrue(
                objects(s, "manifests/disk/heart_rate/").stream()
                    .noneMatch(o -> o.key().endsWith("transform.json")),
                "no transform manifest, so load cannot pick up a partial output");
            try (java.util.stream.Stream<Path> left = Files.list(mount)) {
              assertEquals(List.of(), left.toList(), "the work folder is left empty");
            }
            // The rerun, with room: the whole window, same input.
            ByteArrayOutputStream again = new ByteArrayOutputStream();
            assertEquals(0, s.run("disk-rerun", again), again.toString(StandardCharsets.UTF_8));
            assertExact(s);
            return "exit 3, "
                + error.substring(0, Math.min(error.length(), 140))
                + "; no manifest, only whole Parquet files in the lake, work folder empty;"
                + " the rerun is exact";
          } finally {
            new ProcessBuilder("umount", mount.toString()).inheritIO().start().waitFor();
          }
        });
  }

  private static boolean mountTmpfs(Path dir, String size) throws Exception {
    Process p =
        new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=" + size, "tmpfs", dir.toString())
            .redirectErrorStream(true)
            .start();
    return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
  }

  // ---------------------------------------------------------------- helpers

  private static URI s3(Scenario s) {
    return s.config().s3Endpoint().orElseThrow();
  }

  private List<String> together(
      Scenario unused, List<String> runIds, List<Scenario> scenarios, boolean viaProxy)
      throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(runIds.size());
    try {
      CyclicBarrier start = new CyclicBarrier(runIds.size());
      List<ByteArrayOutputStream> outs = new ArrayList<>();
      List<Future<Integer>> runs = new ArrayList<>();
      for (int i = 0; i < runIds.size(); i++) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        outs.add(out);
        Scenario s = scenarios.get(i);
        String id = runIds.get(i);
        runs.add(
            pool.submit(
                () -> {
                  start.await();
                  return s.run(id, out);
                }));
      }
      List<String> logs = new ArrayList<>();
      for (int i = 0; i < runs.size(); i++) {
        String log = outs.get(i).toString(StandardCharsets.UTF_8);
        assertEquals(0, runs.get(i).get(5, TimeUnit.MINUTES), log);
        logs.add(outs.get(i).toString(StandardCharsets.UTF_8));
      }
      return logs;
    } finally {
      pool.shutdownNow();
    }
  }

  private void assertExact(Scenario s) throws SQLException {
    assertEquals("", s.snapshot().differences(clean), "the warehouse equals the clean run's");
  }

  /** Production and the ledger as before the run: empty (every case starts on a new warehouse). */
  private static void assertProductionEmpty(Scenario s) throws SQLException {
    WarehouseSnapshot now = s.snapshot();
    now.tables()
        .forEach(
            (table, digest) -> {
              if (table.startsWith("fitbit.") || table.startsWith("fitbit_ops.")) {
                assertTrue(digest.startsWith("rows=0 "), table + " changed: " + digest);
              }
            });
  }

  /** Every Parquet object in the lake is whole: it starts and ends with the magic PAR1. */
  private static void assertLakeHoldsWholeFilesOnly(Scenario s) throws Exception {
    for (StoredObject o : objects(s, "staging/")) {
      if (!o.key().endsWith(".parquet")) {
        continue;
      }
      byte[] bytes;
      try (InputStream in = s.store().open(s.config().lakeBucket(), o.key())) {
        bytes = in.readAllBytes();
      }
      String head = new String(bytes, 0, Math.min(4, bytes.length), StandardCharsets.ISO_8859_1);
      String tail =
          new String(
              bytes,
              Math.max(0, bytes.length - 4),
              Math.min(4, bytes.length),
              StandardCharsets.ISO_8859_1);
      assertEquals("PAR1PAR1", head + tail, o.key() + " is not a whole Parquet file");
    }
  }

  private static List<StoredObject> objects(Scenario s, String prefix) {
    List<StoredObject> found = new ArrayList<>();
    s.store().list(s.config().lakeBucket(), prefix, found::add);
    return found;
  }

  /** The first "ERROR:" line of a log. */
  private static String errorLine(String log) {
    return log.lines().filter(l -> l.startsWith("ERROR:")).findFirst().orElse("(no ERROR line)");
  }

  /** The pid of an active backend running a statement like {@code pattern}; 0 if none. */
  private static int activePid(Connection c, String pattern) throws SQLException {
    try (PreparedStatement s =
        c.prepareStatement(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND state ="
                + " 'active' AND pid <> pg_backend_pid() AND query LIKE ? LIMIT 1")) {
      s.setString(1, pattern);
      try (ResultSet rs = s.executeQuery()) {
        return rs.next() ? rs.getInt(1) : 0;
      }
    }
  }

  /** Polls until a backend runs {@code pattern}; 0 if the run ended first. */
  private static int awaitStatement(Connection c, String pattern, Future<?> run) throws Exception {
    long deadline = System.nanoTime() + STEP_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline && !run.isDone()) {
      int pid = activePid(c, pattern);
      if (pid > 0) {
        return pid;
      }
      Thread.sleep(2);
    }
    return 0;
  }
}

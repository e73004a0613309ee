package io.fitbitpipeline.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
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
import io.fitbitpipeline.core.step.Manifests;
import io.fitbitpipeline.core.step.Pipeline;
import io.fitbitpipeline.localstack.LocalPostgres;
import io.fitbitpipeline.localstack.LocalS3;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two `run`s of the same window started at the same moment against the same servers: the run ids
 * differ, one run loads every file, the other waits for it (saying whom it waits for) and then
 * finds everything unchanged. No error.
 */
class ConcurrentRunsTest {
  private static final Window WINDOW = Window.dates("2026-11-16", "2026-11-16");

  @TempDir Path temp;

  @Test
  void twoRunsOfOneWindowStartedAtOnceLoadEachFileOnce() throws Exception {
    try (LocalPostgres postgres = LocalPostgres.start(temp.resolve("postgres"));
        LocalS3 s3 = LocalS3.start(temp.resolve("s3"))) {
      PipelineConfig config =
          PipelineConfig.fromEnvironment(Map.of())
              .withS3(
                  s3.endpoint(),
                  new PipelineConfig.StaticCredentials(LocalS3.ACCESS_KEY, LocalS3.SECRET_KEY))
              .withWarehouse(postgres.jdbcUrl(), postgres.user(), "");
      ObjectStore store = new S3ObjectStore(S3Clients.create(config));
      store.ensureBucket(config.rawBucket());
      store.ensureBucket(config.lakeBucket());
      Map<String, byte[]> sample =
          SampleWeek.generate(WINDOW).entrySet().stream()
              .filter(e -> e.getKey().startsWith("user0"))
              .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
      new RawUploader(store, config.rawBucket(), config.rawPrefix()).upload(sample);

      // The launcher's default run ids of two runs started in the same millisecond.
      Clock sameMoment = Clock.fixed(Instant.parse("2026-11-30T12:00:00.123Z"), ZoneOffset.UTC);
      List<RunId> ids =
          List.of(RunCommand.defaultRunId(sameMoment), RunCommand.defaultRunId(sameMoment));
      assertNotEquals(ids.get(0), ids.get(1));

      CyclicBarrier start = new CyclicBarrier(2);
      List<ByteArrayOutputStream> outputs = new ArrayList<>();
      List<Throwable> errors = new ArrayList<>();
      List<Thread> threads = new ArrayList<>();
      for (RunId id : ids) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        outputs.add(out);
        Pipeline pipeline =
            new Pipeline(
                config,
                store,
                new EventLog(
                    new PrintStream(new ByteArrayOutputStream()),
                    EventLog.Format.TEXT,
                    Clock.systemUTC(),
                    Manifests.objectMapper()),
                Clock.systemUTC(),
                Files.createTempDirectory(temp, "work"));
        Thread t =
            new Thread(
                () -> {
                  try {
                    start.await();
                    new WindowRunner(
                            pipeline, new PrintStream(out, true, StandardCharsets.UTF_8), 3)
                        .run(Arrays.asList(Activity.values()), WINDOW, id);
                  } catch (Throwable e) {
                    synchronized (errors) {
                      errors.add(e);
                    }
                  }
                });
        threads.add(t);
        t.start();
      }
      for (Thread t : threads) {
        t.join(300_000);
      }
      assertEquals(List.of(), errors);

      String both =
          outputs.stream()
              .map(o -> o.toString(StandardCharsets.UTF_8))
              .collect(Collectors.joining("\n----\n"));
      assertTrue(
          both.matches(
              "(?s).*waiting for the run lock, held by 'fitbit run local-20261130T120000\\.123-[0-9a-f]{4}'.*"),
          both);

      // The summary says that the window holds a file the pipeline does not recognise.
      assertTrue(
          both.contains(
              "unrecognised: 1 file in the window names no activity and was not loaded, e.g."
                  + " raw/user01/2026-11-16/sleep.json"),
          both);

      try (Connection c =
              java.sql.DriverManager.getConnection(postgres.jdbcUrl(), postgres.user(), "");
          Statement s = c.createStatement()) {
        long files = sample.keySet().stream().filter(k -> !k.endsWith("sleep.json")).count();
        assertEquals(files, one(s, "SELECT COUNT(*) FROM fitbit_ops.file_ledger"));
        assertEquals(1, one(s, "SELECT COUNT(DISTINCT run_id) FROM fitbit_ops.file_ledger"));
        assertEquals(
            files,
            one(
                s,
                "SELECT SUM(files_loaded + files_quarantined) FROM fitbit_ops.pipeline_runs"
                    + " WHERE step = 'transform'"),
            "each file loaded (or quarantined) by exactly one of the runs");
        assertEquals(
            0, one(s, "SELECT COUNT(*) FROM fitbit_ops.pipeline_runs WHERE status <> 'succeeded'"));
        assertEquals(
            ids.stream().map(RunId::value).sorted().toList(),
            List.of(
                text(s, "SELECT MIN(run_id) FROM fitbit_ops.pipeline_runs WHERE step = 'promote'"),
                text(s, "SELECT MAX(run_id) FROM fitbit_ops.pipeline_runs WHERE step = 'promote'")),
            "both runs promoted");
      }
    }
  }

  private static long one(Statement s, String sql) throws Exception {
    return Long.parseLong(text(s, sql));
  }

  private static String text(Statement s, String sql) throws Exception {
    try (ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    }
  }
}

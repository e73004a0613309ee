package io.fitbitpipeline.core.lakehouse;

import static io.fitbitpipeline.core.lakehouse.LakehouseSource.BPM;
import static io.fitbitpipeline.core.lakehouse.LakehouseSource.GYM_LOGINS;
import static io.fitbitpipeline.core.lakehouse.LakehouseSource.REGISTRATIONS;
import static io.fitbitpipeline.core.lakehouse.LakehouseSource.WORKOUT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fitbitpipeline.core.lakehouse.bronze.IngestResult;
import io.fitbitpipeline.core.lakehouse.sim.SimulatedRecord;
import io.fitbitpipeline.core.lakehouse.sim.StreamSimulator;
import io.fitbitpipeline.core.parquet.ParquetTableReader;
import io.fitbitpipeline.core.run.RunId;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * What the lakehouse promises beyond single rules: the tables depend only on the records received
 * (not on their order or on how they were split across runs), and a consumer killed with SIGKILL in
 * the middle of a batch leaves every offset in bronze and in the lake exactly once.
 */
class LakehouseRecoveryTest {
  private static final long T = 1763283600L;

  @Test
  void theTablesDependOnTheRecordsNotOnTheirOrderOrOnTheRuns() throws Exception {
    StreamSimulator simulation =
        new StreamSimulator(11, 12, Instant.parse("2026-11-16T06:00:00Z"), Duration.ofHours(10), 3);
    List<SimulatedRecord> records = simulation.records();

    Map<String, List<String>> oneRun;
    try (LakehouseFixture a = new LakehouseFixture()) {
      a.landing(REGISTRATIONS, "registrations.csv", simulation.registrationsCsv());
      a.landing(GYM_LOGINS, "gym_logins.csv", simulation.gymLoginsCsv());
      send(a, records);
      a.cycle("all");
      oneRun = normalized(a);
    }

    Map<String, List<String>> threeRuns;
    try (LakehouseFixture b = new LakehouseFixture()) {
      List<SimulatedRecord> shuffled = interleaved(records, new Random(5));
      int third = shuffled.size() / 3;
      send(b, shuffled.subList(0, third));
      b.cycle("part1");
      b.landing(GYM_LOGINS, "gym_logins.csv", simulation.gymLoginsCsv());
      send(b, shuffled.subList(third, 2 * third));
      b.cycle("part2");
      b.landing(REGISTRATIONS, "registrations.csv", simulation.registrationsCsv());
      send(b, shuffled.subList(2 * third, shuffled.size()));
      b.cycle("part3");
      threeRuns = normalized(b);
    }

    for (String table : oneRun.keySet()) {
      List<String> missing = new ArrayList<>(oneRun.get(table));
      missing.removeAll(threeRuns.get(table));
      List<String> extra = new ArrayList<>(threeRuns.get(table));
      extra.removeAll(oneRun.get(table));
      assertEquals(
          oneRun.get(table),
          threeRuns.get(table),
          table
              + ": only in one run "
              + abbreviated(missing)
              + ", only in three runs "
              + abbreviated(extra));
    }
    for (String table :
        List.of(
            "silver.user_profile_history",
            "silver.completed_workouts",
            "silver.workout_bpm",
            "gold.workout_bpm_summary",
            "gold.gym_summary",
            "silver.rejected_records")) {
      assertFalse(oneRun.get(table).isEmpty(), table + " is empty: the comparison proves little");
    }
  }

  @Test
  void aConsumerKilledMidBatchLeavesEveryOffsetInBronzeAndTheLakeOnce() throws Exception {
    int readings = 240_000;
    try (LakehouseFixture lh = new LakehouseFixture()) {
      lh.landing(
          REGISTRATIONS,
          "r.csv",
          "user_id,device_id,mac_address,registration_timestamp\n1,101,aa:01,1763200000\n");
      lh.send(WORKOUT, 0, "1", workout("start", T));
      lh.send(WORKOUT, 0, "1", workout("stop", T + 3 * 3600 - 60));
      for (int i = 0; i < readings; i++) {
        // Distinct times 10 ms apart inside the workout, valid heart rates.
        lh.sendAsync(
            BPM,
            i % LakehouseFixture.PARTITIONS,
            "101",
            "{\"device_id\": 101, \"time\": "
                + (T + 1 + i / 100)
                + "."
                + String.format("%02d", i % 100)
                + ", \"heartrate\": "
                + (60 + i % 120)
                + "}");
      }
      lh.flush();

      Map<String, String> env = new LinkedHashMap<>(lh.env);
      env.put("LAKEHOUSE_MAX_BATCH_RECORDS", "20000");
      ProcessBuilder builder =
          new ProcessBuilder(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "-Xmx256m",
                  "-cp",
                  System.getProperty("java.class.path"),
                  IngestProcess.class.getName(),
                  "bpm",
                  "killed-" + lh.suffix)
              .redirectErrorStream(true)
              .redirectOutput(Files.createTempFile("ingest", ".log").toFile());
      builder.environment().putAll(env);
      Process ingest = builder.start();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      // Kill it while a batch is under way, after at least one has committed.
      while (!(lh.count(batches("committed")) >= 1 && lh.count(batches("pending")) == 1)) {
        assertTrue(ingest.isAlive(), "the ingest ended before it could be killed");
        assertTrue(System.nanoTime() < deadline, "no batch was under way within 120 s");
        Thread.sleep(5);
      }
      ingest.destroyForcibly(); // SIGKILL
      assertEquals(137, ingest.waitFor());
      long committedBeforeRestart =
          lh.count(
              "SELECT COUNT(*) FROM bronze.kafka_records WHERE topic = '" + lh.topic(BPM) + "'");
      assertTrue(committedBeforeRestart < readings, "the kill came after the last batch");

      IngestResult restarted =
          lh.lakehouse.ingest(BPM, List.of(), new RunId("restart-" + lh.suffix));
      assertEquals(1, restarted.recovered(), "the killed batch's files were not cleaned up");
      assertEquals(readings - committedBeforeRestart, restarted.records());

      // Bronze in the warehouse: each offset once, no gaps, nothing pending.
      String topic = lh.topic(BPM);
      assertEquals(
          List.of(readings + "|" + readings),
          lh.rows(
              "SELECT COUNT(*), COUNT(DISTINCT \"partition\" * 10000000 + \"offset\") FROM"
                  + " bronze.kafka_records WHERE topic = '"
                  + topic
                  + "'"));
      assertEquals(
          List.of(
              "0|" + readings / 2 + "|" + (readings / 2 - 1),
              "1|" + readings / 2 + "|" + (readings / 2 - 1)),
          lh.rows(
              "SELECT \"partition\", COUNT(*), MAX(\"offset\") FROM bronze.kafka_records WHERE"
                  + " topic = '"
                  + topic
                  + "' GROUP BY 1 ORDER BY 1"));
      assertEquals(0, lh.count(batches("pending")));

      // Bronze in the lake: each offset in exactly one file.
      Set<Long> offsets = new HashSet<>();
      long[] rows = {0};
      List<String> keys = new ArrayList<>();
      lh.store.list(lh.config.lakeBucket(), "bronze/" + topic + "/", o -> keys.add(o.key()));
      Path local = Files.createTempFile("bronze", ".parquet");
      for (String key : keys) {
        lh.store.download(lh.config.lakeBucket(), key, local);
        ParquetTableReader.read(
            LakehouseTables.KAFKA_RECORDS,
            local,
            row -> {
              rows[0]++;
              offsets.add(
                  ((Number) row[1]).longValue() * 10_000_000L + ((Number) row[2]).longValue());
            });
      }
      assertEquals(readings, rows[0], "rows in the lake's bronze files of " + keys);
      assertEquals(readings, offsets.size());

      // Silver and gold see every reading once.
      lh.cycle("after-restart");
      assertEquals(readings, lh.count("SELECT COUNT(*) FROM silver.heart_rate"));
      assertEquals(
          List.of("1|3|1|60|179|" + readings),
          lh.rows(
              "SELECT user_id, workout_id, session_id, min_bpm, max_bpm, num_recordings FROM"
                  + " gold.workout_bpm_summary"));
    }
  }

  private static List<String> abbreviated(List<String> rows) {
    return rows.size() <= 10 ? rows : rows.subList(0, 10);
  }

  private static String batches(String status) {
    return "SELECT COUNT(*) FROM bronze.ingest_batches WHERE status = '" + status + "'";
  }

  private static String workout(String action, long time) {
    return "{\"user_id\": 1, \"workout_id\": 3, \"timestamp\": "
        + time
        + ", \"action\": \""
        + action
        + "\", \"session_id\": 1}";
  }

  /** Keyed records go to a partition by key, unkeyed ones to 0: the same in every lakehouse. */
  private static void send(LakehouseFixture lh, List<SimulatedRecord> records) {
    for (SimulatedRecord r : records) {
      int partition =
          r.key() == null ? 0 : Math.floorMod(r.key().hashCode(), LakehouseFixture.PARTITIONS);
      lh.sendAsync(LakehouseSource.parse(r.topic()), partition, r.key(), r.value());
    }
    lh.flush();
  }

  /**
   * A random interleaving that keeps the order of each key's records (as Kafka does within a
   * partition), so ties the contract breaks by partition/offset are broken the same way.
   */
  private static List<SimulatedRecord> interleaved(List<SimulatedRecord> records, Random random) {
    Map<String, ArrayDeque<SimulatedRecord>> byKey = new LinkedHashMap<>();
    for (SimulatedRecord r : records) {
      byKey.computeIfAbsent(r.topic() + "/" + r.key(), k -> new ArrayDeque<>()).add(r);
    }
    List<ArrayDeque<SimulatedRecord>> queues = new ArrayList<>(byKey.values());
    List<SimulatedRecord> out = new ArrayList<>(records.size());
    while (!queues.isEmpty()) {
      int i = random.nextInt(queues.size());
      out.add(queues.get(i).poll());
      if (queues.get(i).isEmpty()) {
        queues.remove(i);
      }
    }
    return out;
  }

  private static Map<String, List<String>> normalized(LakehouseFixture lh) throws Exception {
    Map<String, List<String>> dump = new LinkedHashMap<>();
    lh.dump()
        .forEach(
            (table, rows) ->
                dump.put(
                    table,
                    rows.stream().map(r -> r.replace("-" + lh.suffix, "")).sorted().toList()));
    return dump;
  }
}

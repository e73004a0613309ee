package io.fitbitpipeline.launcher;

import io.fitbitpipeline.core.lakehouse.KafkaClients;
import io.fitbitpipeline.core.lakehouse.Lakehouse;
import io.fitbitpipeline.core.lakehouse.LakehouseConfig;
import io.fitbitpipeline.core.lakehouse.LakehouseSource;
import io.fitbitpipeline.core.lakehouse.bronze.IngestResult;
import io.fitbitpipeline.core.lakehouse.sim.SimulationPublisher;
import io.fitbitpipeline.core.run.RunId;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = {
      "Measures the lakehouse on these servers (fresh topics each time): ingest throughput of bpm",
      "records into bronze next to a bare Kafka consumer reading the same records (the ceiling),",
      "and, in continuous mode, how long a reading takes from being produced to being counted in",
      "gold.workout_bpm_summary (p50, p95, max)."
    })
final class StreamBenchCommand implements Callable<Integer> {
  @Option(
      names = "--records",
      description = "bpm records for the ingest measure (default: ${DEFAULT-VALUE})")
  int records = 1_000_000;

  @Option(
      names = "--partitions",
      description = "partitions of the bench topics (default: ${DEFAULT-VALUE})")
  int partitions = 2;

  @Option(
      names = "--workouts",
      description = "workouts timed end to end (default: ${DEFAULT-VALUE})")
  int workouts = 12;

  @Option(
      names = "--interval",
      description =
          "seconds between refreshes in the freshness measure (default: ${DEFAULT-VALUE})")
  int interval = 10;

  @Override
  public Integer call() throws Exception {
    LauncherContext context = LauncherContext.fromSystem();
    String suffix = Long.toString(System.currentTimeMillis(), 36);
    try (LocalEnvironment environment =
        LocalEnvironment.open(context.env(), context.stateDir(), System.out, true)) {
      Map<String, String> env = new HashMap<>(context.env());
      env.putAll(environment.variables());
      for (LakehouseSource source : LakehouseSource.topics()) {
        env.put("KAFKA_TOPIC_" + source.name(), "bench-" + suffix + "-" + source.id());
      }
      env.put("KAFKA_CONSUMER_GROUP", "bench-" + suffix);
      LakehouseConfig config = LakehouseConfig.fromEnvironment(env);
      // The throughput measure gets a bpm topic of its own, which the freshness measure's
      // refreshes do not read: its millions of records would hold them up.
      Map<String, String> throughputEnv = new HashMap<>(env);
      throughputEnv.put("KAFKA_TOPIC_BPM", "bench-" + suffix + "-throughput");
      LakehouseConfig throughput = LakehouseConfig.fromEnvironment(throughputEnv);
      Lakehouse lakehouse = lakehouse(environment, context, config);
      Lakehouse ingestLakehouse = lakehouse(environment, context, throughput);
      lakehouse.migrate();
      for (LakehouseConfig c : List.of(config, throughput)) {
        new SimulationPublisher(
                c, environment.store(), environment.config().rawBucket(), context.clock())
            .ensureTopics(partitions);
      }
      String bpm = throughput.topic(LakehouseSource.BPM);

      long produceStart = System.nanoTime();
      try (Producer<String, String> producer = new KafkaClients(throughput).producer()) {
        long t = 1_763_283_600L;
        for (int i = 0; i < records; i++) {
          long device = 900_000 + i % 1000;
          producer.send(
              new ProducerRecord<>(
                  bpm,
                  Long.toString(device),
                  "{\"device_id\": "
                      + device
                      + ", \"time\": "
                      + (t + i / 1000)
                      + "."
                      + (i % 10)
                      + ", \"heartrate\": "
                      + (60 + i % 100)
                      + ".5}"));
        }
      }
      double produceSeconds = (System.nanoTime() - produceStart) / 1e9;

      double consumeSeconds = bareConsumer(throughput, bpm);
      IngestResult ingest =
          ingestLakehouse.ingest(LakehouseSource.BPM, List.of(), new RunId("bench-" + suffix));
      System.out.printf(
          "%nbronze ingest of %,d bpm records (%d partitions, batches of %,d):%n",
          records, partitions, config.maxBatchRecords());
      System.out.printf(
          "  %-44s %10.2f s %,12.0f records/s%n",
          "produce (Kafka producer, acks=all)", produceSeconds, records / produceSeconds);
      System.out.printf(
          "  %-44s %10.2f s %,12.0f records/s%n",
          "bare consumer, read only (reference)", consumeSeconds, records / consumeSeconds);
      System.out.printf(
          "  %-44s %10.2f s %,12.0f records/s  (%.2fx the bare consumer's time)%n",
          "ingest: Parquet + S3 + COPY + offsets, 1 tx",
          ingest.seconds(),
          ingest.records() / ingest.seconds(),
          ingest.seconds() / consumeSeconds);

      if (workouts < 1) {
        return 0;
      }
      List<Double> latencies =
          freshness(lakehouse, config, environment.store(), environment.config().rawBucket());
      Collections.sort(latencies);
      System.out.printf(
          "%nfreshness, continuous mode every %d s, %d workouts (produced -> in gold.workout_bpm_summary):%n"
              + "  p50 %.1f s, p95 %.1f s, max %.1f s%n",
          interval,
          latencies.size(),
          percentile(latencies, 0.50),
          percentile(latencies, 0.95),
          latencies.get(latencies.size() - 1));
      return 0;
    }
  }

  private static Lakehouse lakehouse(
      LocalEnvironment environment, LauncherContext context, LakehouseConfig config)
      throws java.io.IOException {
    return new Lakehouse(
        environment.config(),
        config,
        environment.store(),
        // The stages' own lines (per-batch read, upload and load times) go to stderr.
        new io.fitbitpipeline.core.run.EventLog(
            System.err,
            io.fitbitpipeline.core.run.EventLog.Format.TEXT,
            context.clock(),
            io.fitbitpipeline.core.step.Manifests.objectMapper()),
        context.clock(),
        java.nio.file.Files.createDirectories(context.stateDir().resolve("work")));
  }

  /** A consumer that only reads every record of the topic: what Kafka alone costs. */
  private static double bareConsumer(LakehouseConfig config, String topic) {
    long start = System.nanoTime();
    try (Consumer<byte[], byte[]> consumer = new KafkaClients(config).consumer()) {
      List<TopicPartition> partitions = new ArrayList<>();
      for (PartitionInfo info : consumer.partitionsFor(topic)) {
        partitions.add(new TopicPartition(topic, info.partition()));
      }
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      long bytes = 0;
      while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
        ConsumerRecords<byte[], byte[]> polled = consumer.poll(Duration.ofMillis(200));
        for (var r : polled) {
          bytes += r.value().length;
        }
      }
      if (bytes == 0) {
        throw new IllegalStateException("the bare consumer read nothing");
      }
    }
    return (System.nanoTime() - start) / 1e9;
  }

  /**
   * Runs the lakehouse continuously in the background while workouts happen: each is a
   * registration, a start, readings and a stop produced at once; its latency is the time until its
   * summary row counts all its readings.
   */
  private List<Double> freshness(
      Lakehouse lakehouse,
      LakehouseConfig config,
      io.fitbitpipeline.core.lake.ObjectStore store,
      String rawBucket)
      throws Exception {
    AtomicBoolean stop = new AtomicBoolean();
    Throwable[] failure = new Throwable[1];
    Thread loop =
        new Thread(
            () -> {
              LakehouseCycle cycle =
                  new LakehouseCycle(
                      lakehouse, new java.io.PrintStream(java.io.OutputStream.nullOutputStream()));
              int n = 0;
              while (!stop.get()) {
                try {
                  cycle.run(new RunId("bench-cycle-" + (n++) + "-" + System.nanoTime()));
                  long until = System.nanoTime() + Duration.ofSeconds(interval).toNanos();
                  while (!stop.get() && System.nanoTime() < until) {
                    Thread.sleep(50);
                  }
                } catch (Throwable e) {
                  failure[0] = e;
                  return;
                }
              }
            });
    loop.start();
    List<Double> latencies = new ArrayList<>();
    long user = 500_000 + (System.currentTimeMillis() % 100_000) * 10;
    try (Producer<String, String> producer = new KafkaClients(config).producer();
        Connection c = lakehouse.warehouse().connect()) {
      String registrations = "user_id,device_id,mac_address,registration_timestamp\n";
      for (int w = 0; w < workouts; w++) {
        registrations += (user + w) + "," + (user + w) + ",bench:" + (user + w) + ",1700000000\n";
      }
      // Registrations first: a reading counts only for a registered device.
      store.put(
          rawBucket,
          config.landingPrefix() + "/registrations/bench-" + user + ".csv",
          registrations.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      Thread.sleep(Duration.ofSeconds(interval + 5).toMillis());
      for (int w = 0; w < workouts; w++) {
        long id = user + w;
        long start = System.currentTimeMillis() / 1000 - 600;
        send(producer, config, LakehouseSource.WORKOUT, id, workoutJson(id, "start", start));
        for (int r = 1; r <= 20; r++) {
          send(
              producer,
              config,
              LakehouseSource.BPM,
              id,
              "{\"device_id\": "
                  + id
                  + ", \"time\": "
                  + (start + r * 10)
                  + ", \"heartrate\": 120}");
        }
        send(producer, config, LakehouseSource.WORKOUT, id, workoutJson(id, "stop", start + 300));
        producer.flush();
        long produced = System.nanoTime();
        try (PreparedStatement s =
            c.prepareStatement(
                "SELECT num_recordings FROM gold.workout_bpm_summary WHERE user_id = ?")) {
          s.setLong(1, id);
          while (true) {
            if (failure[0] != null) {
              throw new IllegalStateException("the continuous run failed", failure[0]);
            }
            try (ResultSet rs = s.executeQuery()) {
              if (rs.next() && rs.getLong(1) == 20) {
                break;
              }
            }
            if (System.nanoTime() - produced > Duration.ofMinutes(3).toNanos()) {
              throw new IllegalStateException("workout " + id + " did not reach gold in 3 minutes");
            }
            Thread.sleep(100);
          }
        }
        latencies.add((System.nanoTime() - produced) / 1e9);
        // Spread the workouts over the refresh cycle, as real ones are.
        Thread.sleep(1000L * ((w * 7) % (interval + 1)));
      }
    } finally {
      stop.set(true);
      loop.join();
    }
    return latencies;
  }

  private static String workoutJson(long user, String action, long time) {
    return "{\"user_id\": "
        + user
        + ", \"workout_id\": 1, \"timestamp\": "
        + time
        + ", \"action\": \""
        + action
        + "\", \"session_id\": 1}";
  }

  private static void send(
      Producer<String, String> producer,
      LakehouseConfig config,
      LakehouseSource source,
      long key,
      String value) {
    producer.send(new ProducerRecord<>(config.topic(source), Long.toString(key), value));
  }

  private static double percentile(List<Double> sorted, double p) {
    int index = (int) Math.ceil(p * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
  }
}

package io.fitbitpipeline.core.lakehouse.bronze;

import io.fitbitpipeline.core.lake.LakeLayout;
import io.fitbitpipeline.core.lake.ObjectStore;
import io.fitbitpipeline.core.lakehouse.LakeTableBatch;
import io.fitbitpipeline.core.lakehouse.LakehouseTables;
import io.fitbitpipeline.core.parquet.ParquetTableWriter;
import io.fitbitpipeline.core.run.EventLog;
import io.fitbitpipeline.core.run.RunId;
import io.fitbitpipeline.core.warehouse.Warehouse;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;
import org.apache.avro.util.Utf8;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

/**
 * Bronze for one Kafka topic, exactly once: reads from the offsets recorded in bronze.kafka_offsets
 * up to the end offsets seen at start, writes each batch as Parquet to the lake (one file per
 * Kafka-timestamp date), and loads the batch's records together with the new offsets in one
 * warehouse transaction. A crash anywhere leaves the offsets with the records they cover, and
 * {@link IngestBatches} removes the files of a batch that never committed.
 */
public final class KafkaIngestor {
  /** Gives up when the broker returns nothing for this long while records are still due. */
  private static final Duration STALL = Duration.ofSeconds(60);

  private final Warehouse warehouse;
  private final ObjectStore store;
  private final LakeLayout lake;
  private final IngestBatches batches;
  private final Supplier<Consumer<byte[], byte[]>> consumers;
  private final EventLog log;
  private final Clock clock;
  private final Path workRoot;
  private final int maxBatchRecords;

  public KafkaIngestor(
      Warehouse warehouse,
      ObjectStore store,
      LakeLayout lake,
      IngestBatches batches,
      Supplier<Consumer<byte[], byte[]>> consumers,
      EventLog log,
      Clock clock,
      Path workRoot,
      int maxBatchRecords) {
    this.warehouse = warehouse;
    this.store = store;
    this.lake = lake;
    this.batches = batches;
    this.consumers = consumers;
    this.log = log;
    this.clock = clock;
    this.workRoot = workRoot;
    this.maxBatchRecords = maxBatchRecords;
  }

  /**
   * Ingests {@code topic} (only {@code partitions} when not empty) up to its current end.
   *
   * @return records read, which equals records written to bronze
   */
  public IngestResult run(String topic, List<Integer> partitions, RunId run)
      throws SQLException, IOException {
    long start = System.nanoTime();
    String scope =
        partitions.isEmpty()
            ? topic
            : topic
                + "/"
                + String.join(",", partitions.stream().sorted().map(String::valueOf).toList());
    // A whole-topic ingest also clears what per-partition ingests of the topic left behind.
    int recovered = batches.recover(scope, partitions.isEmpty());
    if (recovered > 0) {
      log.warn(
          "ingest",
          topic,
          run,
          "removed the lake files of batches that never committed",
          Map.of("batches", recovered));
    }
    long records = 0;
    long batchCount = 0;
    long files = 0;
    try (Consumer<byte[], byte[]> consumer = consumers.get()) {
      List<TopicPartition> assigned = assign(consumer, topic, partitions);
      if (assigned.isEmpty()) {
        log.info("ingest", topic, run, "topic has no partitions yet", Map.of());
        return new IngestResult(topic, 0, 0, 0, recovered, seconds(start));
      }
      Map<Integer, Long> stored = storedOffsets(topic);
      for (TopicPartition tp : assigned) {
        Long next = stored.get(tp.partition());
        if (next == null) {
          consumer.seekToBeginning(List.of(tp));
        } else {
          consumer.seek(tp, next);
        }
      }
      Map<TopicPartition, Long> end = consumer.endOffsets(assigned);
      // Reading the next batch overlaps with loading the previous one (the warehouse works in
      // its own process); loads stay one after the other, so offsets move in order.
      ExecutorService loader =
          Executors.newSingleThreadExecutor(
              r -> {
                Thread t = new Thread(r, "bronze-load-" + topic);
                t.setDaemon(true);
                return t;
              });
      Map<Integer, Long> read = new HashMap<>(stored);
      Batch loading = null;
      Future<?> loaded = null;
      try {
        while (due(consumer, end)) {
          Batch batch = poll(consumer, topic, scope, end);
          if (batch.records == 0 && !batch.moved(read)) {
            break;
          }
          read.putAll(batch.positions);
          if (loaded != null) {
            awaitOrDiscard(loaded, batch);
            commitGroupOffsets(consumer, topic, loading.positions, run);
          }
          records += batch.records;
          files += batch.table.keys().size();
          batchCount++;
          loading = batch;
          loaded = loader.submit(() -> commit(batch, stored, run));
        }
        if (loaded != null) {
          awaitOrDiscard(loaded, null);
          commitGroupOffsets(consumer, topic, loading.positions, run);
        }
      } finally {
        loader.shutdownNow();
      }
    }
    return new IngestResult(topic, records, batchCount, files, recovered, seconds(start));
  }

  /** Waits for a load; when it failed, drops the batch read meanwhile and rethrows. */
  private static void awaitOrDiscard(Future<?> loaded, Batch next)
      throws SQLException, IOException {
    try {
      loaded.get();
    } catch (ExecutionException e) {
      if (next != null) {
        next.table.deleteLocal();
      }
      Throwable cause = e.getCause();
      if (cause instanceof SQLException sql) {
        throw sql;
      }
      if (cause instanceof IOException io) {
        throw io;
      }
      if (cause instanceof RuntimeException runtime) {
        throw runtime;
      }
      throw new IllegalStateException(cause);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while loading a bronze batch", e);
    }
  }

  private static List<TopicPartition> assign(
      Consumer<byte[], byte[]> consumer, String topic, List<Integer> only) {
    List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(30));
    List<TopicPartition> assigned = new ArrayList<>();
    if (infos != null) {
      for (PartitionInfo info : infos) {
        if (only.isEmpty() || only.contains(info.partition())) {
          assigned.add(new TopicPartition(topic, info.partition()));
        }
      }
    }
    if (!only.isEmpty() && assigned.size() != only.size()) {
      throw new IllegalArgumentException(
          "topic " + topic + " has no partition among " + only + " (it has " + infos + ")");
    }
    assigned.sort(Comparator.comparingInt(TopicPartition::partition));
    consumer.assign(assigned);
    return assigned;
  }

  private static boolean due(Consumer<byte[], byte[]> consumer, Map<TopicPartition, Long> end) {
    for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
      if (consumer.position(e.getKey()) < e.getValue()) {
        return true;
      }
    }
    return false;
  }

  /** Reads up to one batch of records into Parquet files, one per Kafka-timestamp date. */
  private Batch poll(
      Consumer<byte[], byte[]> consumer, String topic, String scope, Map<TopicPartition, Long> end)
      throws IOException {
    String batchId = topic + "-" + UUID.randomUUID();
    Batch batch =
        new Batch(
            batchId,
            topic,
            scope,
            new LakeTableBatch(LakehouseTables.KAFKA_RECORDS, workRoot.resolve(batchId)));
    Utf8 topicText = new Utf8(topic);
    long started = System.nanoTime();
    long lastProgress = started;
    while (batch.records < maxBatchRecords && due(consumer, end)) {
      ConsumerRecords<byte[], byte[]> polled = consumer.poll(Duration.ofMillis(200));
      if (polled.isEmpty()) {
        if (System.nanoTime() - lastProgress > STALL.toNanos()) {
          throw new IOException(
              "Kafka returned no records of " + topic + " for " + STALL.toSeconds() + " s");
        }
        continue;
      }
      lastProgress = System.nanoTime();
      for (ConsumerRecord<byte[], byte[]> record : polled) {
        long millis = record.timestamp();
        LocalDate date = LocalDate.ofEpochDay(Math.floorDiv(millis, 86_400_000L));
        // One file per date and partition: each file's offsets ascend, so the warehouse appends
        // to the end of its key index instead of inserting in the middle.
        ParquetTableWriter writer =
            batch.table.writer(
                lake.bronzeFile(topic, date, batchId + "-p" + record.partition()), date);
        // Utf8 keeps the bytes exactly as received (but a NUL byte, which no warehouse text can
        // hold): no decoding and re-encoding per record.
        writer
            .set(0, topicText)
            .set(1, record.partition())
            .set(2, record.offset())
            .set(3, millis * 1000L)
            .set(4, record.key() == null ? null : new Utf8(StorableText.bytes(record.key())))
            .set(5, record.value() == null ? null : new Utf8(StorableText.bytes(record.value())))
            .write();
        batch.records++;
      }
    }
    for (TopicPartition tp : end.keySet()) {
      batch.positions.put(tp.partition(), consumer.position(tp));
    }
    batch.readSeconds = (System.nanoTime() - started) / 1e9;
    return batch;
  }

  /** Uploads the batch and loads it with the new offsets in one transaction. */
  private Void commit(Batch batch, Map<Integer, Long> stored, RunId run)
      throws SQLException, IOException {
    IngestBatches.Timing timing =
        batches.load(
            batch.id,
            batch.scope,
            batch.table,
            batch.records,
            run,
            c -> moveOffsets(c, batch.topic, stored, batch.positions));
    stored.putAll(batch.positions);
    log.info(
        "ingest",
        batch.topic,
        run,
        "batch committed",
        Map.of(
            "records",
            batch.records,
            "files",
            batch.table.keys().size(),
            "read_s",
            round(batch.readSeconds),
            "upload_s",
            round(timing.uploadSeconds()),
            "load_s",
            round(timing.loadSeconds())));
    return null;
  }

  /**
   * Moves each partition's next offset from the value this ingest read at start: a concurrent
   * ingest that moved it first makes this transaction fail instead of loading records twice.
   */
  private void moveOffsets(
      Connection c, String topic, Map<Integer, Long> stored, Map<Integer, Long> positions)
      throws SQLException {
    Timestamp now = Timestamp.from(clock.instant());
    try (PreparedStatement update =
            c.prepareStatement(
                "UPDATE bronze.kafka_offsets SET next_offset = ?, updated_at = ? WHERE topic = ?"
                    + " AND \"partition\" = ? AND next_offset = ?");
        PreparedStatement insert =
            c.prepareStatement(
                "INSERT INTO bronze.kafka_offsets (topic, \"partition\", next_offset, updated_at)"
                    + " SELECT ?, ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM bronze.kafka_offsets"
                    + " WHERE topic = ? AND \"partition\" = ?)")) {
      for (Map.Entry<Integer, Long> e : positions.entrySet()) {
        Long before = stored.get(e.getKey());
        if (before != null && before.equals(e.getValue())) {
          continue;
        }
        int changed;
        if (before == null) {
          insert.setString(1, topic);
          insert.setInt(2, e.getKey());
          insert.setLong(3, e.getValue());
          insert.setTimestamp(4, now);
          insert.setString(5, topic);
          insert.setInt(6, e.getKey());
          changed = insert.executeUpdate();
        } else {
          update.setLong(1, e.getValue());
          update.setTimestamp(2, now);
          update.setString(3, topic);
          update.setInt(4, e.getKey());
          update.setLong(5, before);
          changed = update.executeUpdate();
        }
        if (changed != 1) {
          throw new SQLException(
              "another ingest moved "
                  + topic
                  + " partition "
                  + e.getKey()
                  + " past offset "
                  + before
                  + "; this batch was not loaded");
        }
      }
    }
  }

  private Map<Integer, Long> storedOffsets(String topic) throws SQLException {
    Map<Integer, Long> offsets = new HashMap<>();
    try (Connection c = warehouse.connect();
        PreparedStatement s =
            c.prepareStatement(
                "SELECT \"partition\", next_offset FROM bronze.kafka_offsets WHERE topic = ?")) {
      s.setString(1, topic);
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          offsets.put(rs.getInt(1), rs.getLong(2));
        }
      }
    }
    return offsets;
  }

  /** The group's offsets, for lag dashboards only; a failure here loses nothing. */
  private void commitGroupOffsets(
      Consumer<byte[], byte[]> consumer, String topic, Map<Integer, Long> positions, RunId run) {
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    positions.forEach(
        (p, o) -> offsets.put(new TopicPartition(topic, p), new OffsetAndMetadata(o)));
    try {
      consumer.commitSync(offsets, Duration.ofSeconds(10));
    } catch (RuntimeException e) {
      log.warn(
          "ingest",
          topic,
          run,
          "could not commit the consumer group's offsets (monitoring only)",
          Map.of("error", String.valueOf(e.getMessage())));
    }
  }

  private static double round(double seconds) {
    return Math.round(seconds * 100) / 100.0;
  }

  private static double seconds(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
  }

  /** One batch being read: its files and where each partition's reading stopped. */
  private static final class Batch {
    final String id;
    final String topic;
    final String scope;
    final LakeTableBatch table;
    final Map<Integer, Long> positions = new HashMap<>();
    long records;
    double readSeconds;

    Batch(String id, String topic, String scope, LakeTableBatch table) {
      this.id = id;
      this.topic = topic;
      this.scope = scope;
      this.table = table;
    }

    boolean moved(Map<Integer, Long> stored) {
      return positions.entrySet().stream()
          .anyMatch(e -> !e.getValue().equals(stored.get(e.getKey())));
    }
  }
}

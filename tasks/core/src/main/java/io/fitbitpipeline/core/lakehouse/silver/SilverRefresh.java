package io.fitbitpipeline.core.lakehouse.silver;

import io.fitbitpipeline.core.lake.LakeLayout;
import io.fitbitpipeline.core.lake.ObjectStore;
import io.fitbitpipeline.core.lakehouse.LakeTableBatch;
import io.fitbitpipeline.core.lakehouse.LakehouseConfig;
import io.fitbitpipeline.core.lakehouse.LakehouseSource;
import io.fitbitpipeline.core.lakehouse.LakehouseTables;
import io.fitbitpipeline.core.parquet.ParquetTableWriter;
import io.fitbitpipeline.core.run.EventLog;
import io.fitbitpipeline.core.run.RunId;
import io.fitbitpipeline.core.warehouse.StagingLoad;
import io.fitbitpipeline.core.warehouse.Warehouse;
import io.fitbitpipeline.core.warehouse.WarehouseTable;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Silver, in one warehouse transaction: conforms the bronze records that no silver run has seen
 * (every one parsed once, valid ones to silver.batch_*, invalid ones to rejected_records with the
 * reason), then applies {@link SilverSql} and moves its progress marks. A failed run changes
 * nothing, so the next run does the same work again.
 */
public final class SilverRefresh {
  private final Warehouse warehouse;
  private final ObjectStore store;
  private final LakeLayout lake;
  private final LakehouseConfig config;
  private final RecordParser parser;
  private final EventLog log;
  private final Path workRoot;

  public SilverRefresh(
      Warehouse warehouse,
      ObjectStore store,
      LakeLayout lake,
      LakehouseConfig config,
      RecordParser parser,
      EventLog log,
      Path workRoot) {
    this.warehouse = warehouse;
    this.store = store;
    this.lake = lake;
    this.config = config;
    this.parser = parser;
    this.log = log;
    this.workRoot = workRoot;
  }

  public SilverResult run(RunId run) throws SQLException, IOException {
    long start = System.nanoTime();
    Path work = workRoot.resolve("silver-" + run.keySafe());
    Map<LakehouseSource, LakeTableBatch> batches = new EnumMap<>(LakehouseSource.class);
    for (LakehouseSource source : LakehouseSource.values()) {
      batches.put(
          source,
          new LakeTableBatch(LakehouseTables.batchOf(source.events()), work.resolve(source.id())));
    }
    LakeTableBatch rejects =
        new LakeTableBatch(LakehouseTables.REJECTED_RECORDS, work.resolve("rejects"));
    Map<LakehouseSource, long[]> counts = new EnumMap<>(LakehouseSource.class);
    Map<LakehouseSource, SilverResult.SourceCounts> result = new LinkedHashMap<>();
    try (Connection c = warehouse.connect()) {
      c.setAutoCommit(false);
      try (Statement statement = c.createStatement()) {
        // One silver run at a time: they share the batch tables and the progress marks.
        statement.execute("LOCK silver.kafka_progress");
        for (LakehouseSource source : LakehouseSource.values()) {
          statement.execute("DELETE FROM " + SilverSql.batch(source.events()));
        }
        Map<String, Map<Integer, Long>> progress = new LinkedHashMap<>();
        for (LakehouseSource source : LakehouseSource.topics()) {
          counts.put(source, conformTopic(c, source, batches.get(source), rejects, progress, run));
        }
        Set<List<String>> files = new LinkedHashSet<>();
        for (LakehouseSource source : LakehouseSource.landing()) {
          counts.put(source, conformLanding(c, source, batches.get(source), rejects, files, run));
        }
        for (LakehouseSource source : LakehouseSource.values()) {
          load(c, batches.get(source), run);
        }
        load(c, rejects, run);
        for (String sql : SilverSql.statements()) {
          statement.execute(sql);
        }
        for (LakehouseSource source : LakehouseSource.values()) {
          long[] n = counts.get(source);
          long duplicates =
              count(c, SilverSql.duplicates(source.events(), source.identity(), source.position()));
          result.put(
              source,
              new SilverResult.SourceCounts(n[0], n[0] - n[1] - duplicates, duplicates, n[1]));
        }
        saveProgress(c, progress, files);
        c.commit();
      } catch (SQLException | IOException | RuntimeException e) {
        io.fitbitpipeline.core.warehouse.Transactions.rollback(c, e);
        throw e;
      }
    } finally {
      for (LakeTableBatch batch : batches.values()) {
        batch.deleteLocal();
      }
      rejects.deleteLocal();
    }
    Map<String, SilverResult.SourceCounts> bySource = new LinkedHashMap<>();
    result.forEach(
        (source, n) -> {
          String name =
              source.kind() == LakehouseSource.Kind.KAFKA ? config.topic(source) : source.id();
          bySource.put(name, n);
          if (n.records() > 0) {
            log.info(
                "silver",
                name,
                run,
                "conformed",
                Map.of(
                    "records", n.records(),
                    "used", n.used(),
                    "duplicates", n.duplicates(),
                    "rejected", n.rejected()));
          }
        });
    return new SilverResult(bySource, (System.nanoTime() - start) / 1e9);
  }

  /** Parses the topic's unseen bronze records; returns {records, rejected}. */
  private long[] conformTopic(
      Connection c,
      LakehouseSource source,
      LakeTableBatch batch,
      LakeTableBatch rejects,
      Map<String, Map<Integer, Long>> progress,
      RunId run)
      throws SQLException, IOException {
    String topic = config.topic(source);
    Map<Integer, Long> next = progress.computeIfAbsent(topic, t -> new HashMap<>());
    long records = 0;
    long rejected = 0;
    int values = source.valueColumns();
    try (PreparedStatement s =
        c.prepareStatement(
            "SELECT r.\"partition\", r.\"offset\", r.value FROM bronze.kafka_records r"
                + " LEFT JOIN silver.kafka_progress p ON p.topic = r.topic"
                + " AND p.\"partition\" = r.\"partition\""
                + " WHERE r.topic = ? AND r.\"offset\" >= COALESCE(p.next_offset, 0)")) {
      s.setFetchSize(10_000);
      s.setString(1, topic);
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          int partition = rs.getInt(1);
          long offset = rs.getLong(2);
          String value = rs.getString(3);
          records++;
          next.merge(partition, offset + 1, Math::max);
          try {
            Object[] parsed = parser.parse(source, value);
            ParquetTableWriter writer =
                batch.writer(lake.silverBatchFile(run, batchName(source)), null);
            for (int i = 0; i < values; i++) {
              writer.setValue(i, parsed[i]);
            }
            writer.setValue(values, partition).setValue(values + 1, offset).write();
          } catch (InvalidRecordException e) {
            rejected++;
            reject(rejects, run, topic, partition, offset, e.getMessage(), value);
          }
        }
      }
    }
    return new long[] {records, rejected};
  }

  /**
   * Parses the lines of landing files no silver run has seen. Line 1 is the header: when it is not
   * the contract's, every line of the file is rejected with that reason (nothing is guessed).
   */
  private long[] conformLanding(
      Connection c,
      LakehouseSource source,
      LakeTableBatch batch,
      LakeTableBatch rejects,
      Set<List<String>> files,
      RunId run)
      throws SQLException, IOException {
    long records = 0;
    long rejected = 0;
    int values = source.valueColumns();
    String badHeader = null;
    List<String> file = null;
    try (PreparedStatement s =
        c.prepareStatement(
            "SELECT l.object_key, l.etag, l.line, l.text FROM bronze.landing_rows l"
                + " WHERE l.source = ? AND NOT EXISTS (SELECT 1 FROM silver.landing_progress p"
                + " WHERE p.object_key = l.object_key AND p.etag = l.etag)"
                + " ORDER BY l.object_key, l.etag, l.line")) {
      s.setFetchSize(10_000);
      s.setString(1, source.id());
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          String key = rs.getString(1);
          String etag = rs.getString(2);
          int line = rs.getInt(3);
          String text = rs.getString(4);
          List<String> current = List.of(key, etag);
          if (!current.equals(file)) {
            file = current;
            files.add(current);
            badHeader = null;
            if (line == 1) {
              if (isHeader(source, text)) {
                continue;
              }
              badHeader =
                  "header is '" + abbreviate(text) + "', expected '" + source.csvHeader() + "'";
            }
          }
          records++;
          try {
            if (badHeader != null) {
              throw new InvalidRecordException(badHeader);
            }
            Object[] parsed = parser.parse(source, text);
            ParquetTableWriter writer =
                batch.writer(lake.silverBatchFile(run, batchName(source)), null);
            for (int i = 0; i < values; i++) {
              writer.setValue(i, parsed[i]);
            }
            writer.setValue(values, key).setValue(values + 1, etag).setValue(values + 2, line);
            writer.write();
          } catch (InvalidRecordException e) {
            rejected++;
            reject(
                rejects,
                run,
                source.id(),
                null,
                line,
                key + " line " + line + ": " + e.getMessage(),
                text);
          }
        }
      }
    }
    return new long[] {records, rejected};
  }

  private static boolean isHeader(LakehouseSource source, String line) {
    return line.replace(" ", "").trim().toLowerCase(Locale.ROOT).equals(source.csvHeader());
  }

  private void reject(
      LakeTableBatch rejects,
      RunId run,
      String source,
      Integer partition,
      long offset,
      String reason,
      String raw)
      throws IOException {
    rejects
        .writer(lake.silverBatchFile(run, LakehouseTables.REJECTED_RECORDS.name()), null)
        .setValue(0, source)
        .setValue(1, partition)
        .setValue(2, offset)
        .setValue(3, reason)
        .setValue(4, raw)
        .write();
  }

  private void load(Connection c, LakeTableBatch batch, RunId run)
      throws SQLException, IOException {
    if (batch.isEmpty()) {
      return;
    }
    WarehouseTable table = batch.table();
    StagingLoad load =
        batch.upload(
            store,
            lake,
            lake.lakehouseManifest("silver", run.keySafe(), table.name()),
            LakehouseTables.SILVER + "." + table.name());
    warehouse.dialect().copyToStaging(c, load);
  }

  private static String batchName(LakehouseSource source) {
    return LakehouseTables.batchOf(source.events()).name();
  }

  private void saveProgress(
      Connection c, Map<String, Map<Integer, Long>> progress, Set<List<String>> files)
      throws SQLException {
    try (PreparedStatement delete =
            c.prepareStatement(
                "DELETE FROM silver.kafka_progress WHERE topic = ? AND \"partition\" = ?");
        PreparedStatement insert =
            c.prepareStatement(
                "INSERT INTO silver.kafka_progress (topic, \"partition\", next_offset)"
                    + " VALUES (?, ?, ?)");
        PreparedStatement file =
            c.prepareStatement(
                "INSERT INTO silver.landing_progress (object_key, etag) VALUES (?, ?)")) {
      for (Map.Entry<String, Map<Integer, Long>> topic : progress.entrySet()) {
        for (Map.Entry<Integer, Long> p : topic.getValue().entrySet()) {
          delete.setString(1, topic.getKey());
          delete.setInt(2, p.getKey());
          delete.executeUpdate();
          insert.setString(1, topic.getKey());
          insert.setInt(2, p.getKey());
          insert.setLong(3, p.getValue());
          insert.executeUpdate();
        }
      }
      for (List<String> f : files) {
        file.setString(1, f.get(0));
        file.setString(2, f.get(1));
        file.executeUpdate();
      }
    }
  }

  private static long count(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static String abbreviate(String text) {
    return text.length() <= 80 ? text : text.substring(0, 77) + "...";
  }
}

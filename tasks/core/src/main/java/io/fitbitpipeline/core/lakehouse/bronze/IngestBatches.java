package io.fitbitpipeline.core.lakehouse.bronze;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fitbitpipeline.core.lake.LakeLayout;
import io.fitbitpipeline.core.lake.ObjectStore;
import io.fitbitpipeline.core.lakehouse.LakeTableBatch;
import io.fitbitpipeline.core.lakehouse.LakehouseTables;
import io.fitbitpipeline.core.run.RunId;
import io.fitbitpipeline.core.warehouse.StagingLoad;
import io.fitbitpipeline.core.warehouse.Warehouse;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * bronze.ingest_batches, the write-ahead record that keeps the lake exactly once: a batch is
 * recorded as pending with the keys of the files it is about to upload before any upload, and is
 * marked committed in the transaction that loads its records. A batch still pending when an ingest
 * starts died between the two, so its files are deleted before anything else happens.
 */
public final class IngestBatches {
  private final Warehouse warehouse;
  private final ObjectStore store;
  private final LakeLayout lake;
  private final Clock clock;
  private final ObjectMapper json = new ObjectMapper();

  public IngestBatches(Warehouse warehouse, ObjectStore store, LakeLayout lake, Clock clock) {
    this.warehouse = warehouse;
    this.store = store;
    this.lake = lake;
    this.clock = clock;
  }

  /**
   * Deletes the files of {@code scope}'s uncommitted batches and forgets them; returns how many.
   *
   * @param withSubScopes also the scopes "{scope}/..." (a topic's per-partition ingests)
   */
  public int recover(String scope, boolean withSubScopes) throws SQLException {
    List<String> ids = new ArrayList<>();
    try (Connection c = warehouse.connect();
        PreparedStatement s =
            c.prepareStatement(
                "SELECT batch_id, files FROM bronze.ingest_batches WHERE status = 'pending' AND"
                    + " (source = ? OR (? AND source LIKE ?))")) {
      s.setString(1, scope);
      s.setBoolean(2, withSubScopes);
      s.setString(3, scope.replace("%", "\\%").replace("_", "\\_") + "/%");
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          ids.add(rs.getString(1));
          for (String key : keys(rs.getString(2))) {
            store.delete(lake.bucket(), key);
          }
        }
      }
      try (PreparedStatement delete =
          c.prepareStatement("DELETE FROM bronze.ingest_batches WHERE batch_id = ?")) {
        for (String id : ids) {
          delete.setString(1, id);
          delete.executeUpdate();
        }
      }
    }
    return ids.size();
  }

  /** Work done in the transaction that loads a batch (offsets, the landing file list). */
  public interface InTransaction {
    void run(Connection c) throws SQLException;
  }

  /** How long a batch's upload and load took. */
  public record Timing(double uploadSeconds, double loadSeconds) {}

  /**
   * A batch from local files to committed bronze: recorded as pending, uploaded to the lake, then
   * in one transaction copied into {@code target} (checking the row count), {@code
   * alsoInTransaction} applied and the batch marked committed. The local files are deleted in any
   * case.
   */
  public Timing load(
      String batchId,
      String scope,
      LakeTableBatch files,
      long rows,
      RunId run,
      InTransaction alsoInTransaction)
      throws SQLException, IOException {
    long started = System.nanoTime();
    try {
      begin(batchId, scope, files.keys(), run);
      String table = files.table().name();
      StagingLoad load =
          files.upload(
              store,
              lake,
              lake.lakehouseManifest("bronze", batchId, table),
              LakehouseTables.BRONZE + "." + table);
      long uploaded = System.nanoTime();
      try (Connection c = warehouse.connect()) {
        c.setAutoCommit(false);
        try {
          long copied = load.files().isEmpty() ? 0 : warehouse.dialect().copyToStaging(c, load);
          if (copied != rows) {
            throw new SQLException(
                "bronze load of " + scope + " copied " + copied + " of " + rows + " rows");
          }
          alsoInTransaction.run(c);
          commit(c, batchId, rows);
          c.commit();
        } catch (SQLException | IOException | RuntimeException e) {
          io.fitbitpipeline.core.warehouse.Transactions.rollback(c, e);
          throw e;
        }
      }
      return new Timing((uploaded - started) / 1e9, (System.nanoTime() - uploaded) / 1e9);
    } finally {
      files.deleteLocal();
    }
  }

  /** Records the batch as pending (committed at once, before any upload). */
  private void begin(String batchId, String scope, List<String> files, RunId run)
      throws SQLException {
    try (Connection c = warehouse.connect();
        PreparedStatement s =
            c.prepareStatement(
                "INSERT INTO bronze.ingest_batches (batch_id, source, status, files, records,"
                    + " run_id, started_at, committed_at) VALUES (?, ?, 'pending', ?, 0, ?, ?,"
                    + " NULL)")) {
      s.setString(1, batchId);
      s.setString(2, scope);
      s.setString(3, toJson(files));
      s.setString(4, run.value());
      s.setTimestamp(5, Timestamp.from(clock.instant()));
      s.executeUpdate();
    }
  }

  /** Marks the batch committed, inside the transaction that loads its records. */
  private void commit(Connection c, String batchId, long records) throws SQLException {
    try (PreparedStatement s =
        c.prepareStatement(
            "UPDATE bronze.ingest_batches SET status = 'committed', records = ?, committed_at = ?"
                + " WHERE batch_id = ? AND status = 'pending'")) {
      s.setLong(1, records);
      s.setTimestamp(2, Timestamp.from(clock.instant()));
      s.setString(3, batchId);
      if (s.executeUpdate() != 1) {
        throw new SQLException(
            "ingest batch "
                + batchId
                + " is no longer pending: another ingest of the same source recovered it");
      }
    }
  }

  private String toJson(List<String> files) {
    try {
      return json.writeValueAsString(files);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private List<String> keys(String files) {
    try {
      return List.of(json.readValue(files, String[].class));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("bronze.ingest_batches.files is not a JSON list: " + files);
    }
  }
}

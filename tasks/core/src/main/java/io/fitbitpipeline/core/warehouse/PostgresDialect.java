package io.fitbitpipeline.core.warehouse;

import io.fitbitpipeline.core.lake.LakeLayout;
import io.fitbitpipeline.core.lake.ObjectStore;
import io.fitbitpipeline.core.lake.StagedFile;
import io.fitbitpipeline.core.parquet.UserOrderedMerge;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * PostgreSQL, the local and test stand-in for Redshift. PostgreSQL cannot read Parquet from S3, so
 * the loader streams the same lake files through COPY ... FROM STDIN.
 */
public final class PostgresDialect implements WarehouseDialect {
  /** Staged files downloaded ahead of the COPY: enough to hide S3 latency, a few MB on disk. */
  private static final int DOWNLOADS_AHEAD = 4;

  /**
   * How many files one COPY merges into key order at once, and their memory estimate: a week of
   * daily files at 100-400 users in one group, well inside the load step's 128 MB heap.
   */
  private static final MergeGroups MERGE_GROUPS = new MergeGroups(32, 64L << 20);

  private final ObjectStore store;
  private final LakeLayout lake;

  public PostgresDialect(ObjectStore store, LakeLayout lake) {
    this.store = store;
    this.lake = lake;
  }

  @Override
  public String id() {
    return "postgresql";
  }

  @Override
  public String secondsBetween(String from, String to) {
    return "EXTRACT(EPOCH FROM (" + to + " - " + from + "))";
  }

  @Override
  public String createTable(WarehouseTable table, String schema, boolean withKey) {
    return createTableBody(table, schema, withKey);
  }

  @Override
  public List<String> supportingStatements() {
    return List.of(
        "CREATE INDEX IF NOT EXISTS rejected_points_source_key ON fitbit_ops.rejected_points (source_key)",
        "CREATE INDEX IF NOT EXISTS file_ledger_activity ON fitbit_ops.file_ledger (activity, user_id, date)");
  }

  /**
   * TRUNCATE: transactional on PostgreSQL (a rollback brings the rows back), and it frees the table
   * at once instead of deleting millions of rows one by one and leaving them for VACUUM. Its ACCESS
   * EXCLUSIVE lock only keeps readers of this activity's staging waiting, which the staging lock
   * does already.
   */
  @Override
  public String clearTable(String table) {
    return "TRUNCATE " + table;
  }

  @Override
  public boolean enforcesPrimaryKeys() {
    return true;
  }

  @Override
  public void lockStaging(Connection connection, io.fitbitpipeline.core.activity.Activity activity)
      throws SQLException {
    try (Statement statement = connection.createStatement()) {
      // Key space 7305723, one lock per activity; released when the transaction ends.
      statement.execute("SELECT pg_advisory_xact_lock(7305723, " + activity.ordinal() + ")");
    }
  }

  /**
   * One lock for every promote: KeyedInsert holds a production table's ACCESS EXCLUSIVE lock until
   * commit while data_yield reads every activity's tables, so two promotes of different activities
   * would each wait for the other's table (a deadlock that PostgreSQL ends by failing one).
   */
  @Override
  public void lockPromotes(Connection connection) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      statement.execute("SELECT pg_advisory_xact_lock(7305724)");
    }
  }

  @Override
  public void lockForMigration(Connection connection) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      // Six steps may start at once on an empty warehouse; one of them migrates, the rest wait.
      statement.execute("SELECT pg_advisory_xact_lock(7305721)");
    }
  }

  @Override
  public long copyToStaging(Connection connection, StagingLoad load)
      throws SQLException, IOException {
    PGConnection pg = connection.unwrap(PGConnection.class);
    // One binary COPY for all the load's files: values go from Parquet's column readers to the
    // wire without text on either side, and the next files download while this one is copied.
    // The files (one per date partition, each sorted by user_id then ts) are merged on user_id
    // in date order, so the staging heap, and after promote's INSERT ... SELECT production's, is
    // in key order: the primary-key build then sorts presorted rows (heart rate 1.1 -> 0.56 s).
    String sql =
        "COPY "
            + load.target()
            + " ("
            + load.table().quotedColumnList()
            + ") FROM STDIN WITH (FORMAT binary)";
    long rows = 0;
    List<List<StagedFile>> groups = MERGE_GROUPS.of(load.files(), load.table().columns().size());
    List<StagedFile> ordered = groups.stream().flatMap(List::stream).toList();
    try (StagedFileDownloads downloads =
        new StagedFileDownloads(store, lake.bucket(), ordered, DOWNLOADS_AHEAD)) {
      CopyIn copy = pg.getCopyAPI().copyIn(sql);
      try {
        PostgresBinaryCopy encoder = new PostgresBinaryCopy(copy, load.table().columns());
        for (List<StagedFile> group : groups) {
          rows += UserOrderedMerge.read(load.table(), downloads.next(group.size()), encoder::write);
        }
        encoder.finish();
        copy.endCopy();
      } catch (SQLException | IOException | RuntimeException e) {
        cancel(copy, e);
        throw e;
      }
    }
    return rows;
  }

  /**
   * Ends a COPY that failed. On a connection that is gone (backend terminated, server restarted)
   * the cancel fails too, with "Database connection failed when canceling copy operation": that
   * must not replace the error that says what happened, so it is attached to it.
   */
  private static void cancel(CopyIn copy, Exception failure) {
    try {
      if (copy.isActive()) {
        copy.cancelCopy();
      }
    } catch (SQLException e) {
      failure.addSuppressed(e);
    }
  }
}

package io.fitbitpipeline.core.step;

import io.fitbitpipeline.core.activity.Activity;
import io.fitbitpipeline.core.lake.LakeLayout;
import io.fitbitpipeline.core.lake.StagedFile;
import io.fitbitpipeline.core.run.EventLog;
import io.fitbitpipeline.core.run.PipelineRuns;
import io.fitbitpipeline.core.run.RunId;
import io.fitbitpipeline.core.run.Shard;
import io.fitbitpipeline.core.run.StepName;
import io.fitbitpipeline.core.run.StepStats;
import io.fitbitpipeline.core.run.Window;
import io.fitbitpipeline.core.warehouse.StagingLoad;
import io.fitbitpipeline.core.warehouse.Tables;
import io.fitbitpipeline.core.warehouse.Warehouse;
import io.fitbitpipeline.core.warehouse.WarehouseDialect;
import io.fitbitpipeline.core.warehouse.WarehouseTable;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Step 3: replaces the activity's staging tables with exactly the run's Parquet files and stages
 * its ledger rows, in one transaction, so a retried load leaves the same staging as a single one.
 */
public final class Loader {
  private final Warehouse warehouse;
  private final LakeLayout lake;
  private final ShardManifests manifests;
  private final PipelineRuns runs;
  private final EventLog log;
  private final Clock clock;

  public Loader(
      Warehouse warehouse,
      LakeLayout lake,
      ShardManifests manifests,
      PipelineRuns runs,
      EventLog log,
      Clock clock) {
    this.warehouse = warehouse;
    this.lake = lake;
    this.manifests = manifests;
    this.runs = runs;
    this.log = log;
    this.clock = clock;
  }

  public StepStats run(Activity activity, Window window, RunId run)
      throws SQLException, IOException {
    return run(activity, window, run, 1);
  }

  /**
   * Loads what the {@code shards} shards of the run transformed (1: the unsharded run), together
   * and in one transaction, so staging holds the whole run or nothing; a missing shard stops it.
   */
  public StepStats run(Activity activity, Window window, RunId run, int shards)
      throws SQLException, IOException {
    Instant started = runs.started(run, activity, StepName.LOAD, window);
    Map<Shard, TransformManifest> parts =
        manifests.readAll(
            run, activity, shards, "run transform for this activity and run id first");
    TransformManifest manifest =
        ShardManifests.combined(activity, run, List.copyOf(parts.values()));
    StepStats stats = new StepStats();
    List<WarehouseTable> tables = new ArrayList<>(Tables.of(activity));
    tables.add(Tables.REJECTED_POINTS);
    try (Connection c = warehouse.connect()) {
      c.setAutoCommit(false);
      try {
        // A concurrent load of this activity (another run) waits: staging holds one run whole.
        warehouse.dialect().lockStaging(c, activity);
        clearStaging(c, warehouse.dialect(), activity);
        for (WarehouseTable table : tables) {
          long rows = 0;
          // One COPY per shard: each shard's load manifest names exactly its files of the table.
          for (Map.Entry<Shard, TransformManifest> part : parts.entrySet()) {
            List<StagedFile> files =
                part.getValue().stagedFiles().stream()
                    .filter(f -> f.table().equals(table.name()))
                    .toList();
            rows +=
                files.isEmpty()
                    ? 0
                    : warehouse
                        .dialect()
                        .copyToStaging(
                            c,
                            new StagingLoad(
                                table,
                                table.staging(),
                                files,
                                lake.copyManifest(run, activity, part.getKey(), table.name())));
          }
          stats.addRows(table.name(), rows);
        }
        stageLedger(c, activity, run, manifest.results());
        c.commit();
      } catch (SQLException | IOException | RuntimeException e) {
        io.fitbitpipeline.core.warehouse.Transactions.rollback(c, e);
        runs.finished(
            run, activity, StepName.LOAD, window, started, "failed", stats, e.getMessage());
        throw e;
      }
    }
    stats.filesLoaded =
        manifest.results().stream().filter(r -> r.status().equals(FileResult.LOADED)).count();
    runs.finished(run, activity, StepName.LOAD, window, started, "succeeded", stats, null);
    log.info("load", activity, run, "staged", Map.of("rows_per_table", stats.rowsPerTable));
    return stats;
  }

  /** Staging holds one run of an activity at a time; the activity's rows of a retry replace it. */
  static void clearStaging(Connection c, WarehouseDialect dialect, Activity activity)
      throws SQLException {
    try (Statement s = c.createStatement()) {
      for (WarehouseTable table : Tables.of(activity)) {
        s.executeUpdate(dialect.clearTable(table.staging()));
      }
    }
    for (WarehouseTable shared : List.of(Tables.REJECTED_POINTS, Tables.FILE_LEDGER)) {
      try (PreparedStatement s =
          c.prepareStatement("DELETE FROM " + shared.staging() + " WHERE activity = ?")) {
        s.setString(1, activity.id());
        s.executeUpdate();
      }
    }
  }

  private void stageLedger(Connection c, Activity activity, RunId run, List<FileResult> results)
      throws SQLException {
    Timestamp now = Timestamp.from(clock.instant());
    try (PreparedStatement insert =
        c.prepareStatement(
            "INSERT INTO "
                + Tables.FILE_LEDGER.staging()
                + " ("
                + Tables.FILE_LEDGER.columnList()
                + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      for (FileResult r : results) {
        int i = 1;
        insert.setString(i++, r.key());
        insert.setString(i++, r.etag());
        insert.setString(i++, r.userId());
        insert.setObject(i++, r.date());
        insert.setString(i++, activity.id());
        insert.setString(i++, r.status());
        insert.setString(i++, r.reason());
        insert.setLong(i++, r.rowsWritten());
        insert.setLong(i++, r.pointsRead());
        insert.setLong(i++, r.pointsRejected());
        insert.setLong(i++, r.duplicates());
        insert.setString(i++, r.flags());
        insert.setString(i++, run.value());
        insert.setTimestamp(i, now);
        insert.addBatch();
      }
      insert.executeBatch();
    }
  }
}

package io.fitbitpipeline.core.lakehouse;

import io.fitbitpipeline.core.config.PipelineConfig;
import io.fitbitpipeline.core.lake.LakeLayout;
import io.fitbitpipeline.core.lake.ObjectStore;
import io.fitbitpipeline.core.lakehouse.bronze.IngestBatches;
import io.fitbitpipeline.core.lakehouse.bronze.IngestResult;
import io.fitbitpipeline.core.lakehouse.bronze.KafkaIngestor;
import io.fitbitpipeline.core.lakehouse.bronze.LandingIngestor;
import io.fitbitpipeline.core.lakehouse.gold.GoldRefresh;
import io.fitbitpipeline.core.lakehouse.gold.GoldResult;
import io.fitbitpipeline.core.lakehouse.silver.RecordParser;
import io.fitbitpipeline.core.lakehouse.silver.SilverRefresh;
import io.fitbitpipeline.core.lakehouse.silver.SilverResult;
import io.fitbitpipeline.core.run.EventLog;
import io.fitbitpipeline.core.run.PipelineRuns;
import io.fitbitpipeline.core.run.RunId;
import io.fitbitpipeline.core.run.StepStats;
import io.fitbitpipeline.core.run.Window;
import io.fitbitpipeline.core.step.Manifests;
import io.fitbitpipeline.core.warehouse.Migrations;
import io.fitbitpipeline.core.warehouse.Warehouse;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * Wires the lakehouse's stages from one configuration, on the batch pipeline's parts (object store,
 * lake layout, warehouse and its dialect, migrations, pipeline_runs, event log), and records every
 * stage in fitbit_ops.pipeline_runs: the topic or source in the activity column, the stage (ingest,
 * silver, gold) in the step column, the run's day as its window.
 */
public final class Lakehouse {
  private final PipelineConfig config;
  private final LakehouseConfig lakehouse;
  private final ObjectStore store;
  private final LakeLayout lake;
  private final Warehouse warehouse;
  private final PipelineRuns runs;
  private final EventLog log;
  private final Clock clock;
  private final Path workRoot;

  public Lakehouse(
      PipelineConfig config,
      LakehouseConfig lakehouse,
      ObjectStore store,
      EventLog log,
      Clock clock,
      Path workRoot) {
    this.config = config;
    this.lakehouse = lakehouse;
    this.store = store;
    this.lake = new LakeLayout(config.lakeBucket());
    this.warehouse = Warehouse.create(config, store, lake);
    this.runs = new PipelineRuns(warehouse, clock, Manifests.objectMapper());
    this.log = log;
    this.clock = clock;
    this.workRoot = workRoot;
  }

  public int migrate() throws SQLException, IOException {
    try (Connection c = warehouse.connect()) {
      return new Migrations(warehouse.dialect()).apply(c);
    }
  }

  /** Bronze for one topic (its partitions, or only {@code partitions}). */
  public IngestResult ingest(LakehouseSource source, List<Integer> partitions, RunId run)
      throws SQLException, IOException {
    String topic = lakehouse.topic(source);
    KafkaIngestor ingestor =
        new KafkaIngestor(
            warehouse,
            store,
            lake,
            batches(),
            new KafkaClients(lakehouse)::consumer,
            log,
            clock,
            workRoot,
            lakehouse.maxBatchRecords());
    return recorded(run, topic, () -> ingestor.run(topic, partitions, run));
  }

  /** Bronze for the landing files of both kinds. */
  public List<IngestResult> ingestLanding(RunId run) throws SQLException, IOException {
    LandingIngestor ingestor =
        new LandingIngestor(
            warehouse,
            store,
            lake,
            batches(),
            config.rawBucket(),
            lakehouse.landingPrefix(),
            log,
            clock,
            workRoot);
    List<IngestResult> results = new ArrayList<>();
    for (LakehouseSource source : LakehouseSource.landing()) {
      results.add(recorded(run, source.id(), () -> ingestor.run(source, run)));
    }
    return results;
  }

  public SilverResult silver(RunId run) throws SQLException, IOException {
    Instant started = runs.started(run, "lakehouse", "silver", today());
    SilverResult result;
    try {
      result =
          new SilverRefresh(warehouse, store, lake, lakehouse, new RecordParser(), log, workRoot)
              .run(run);
    } catch (SQLException | IOException | RuntimeException e) {
      runs.finished(
          run, "lakehouse", "silver", today(), started, "failed", new StepStats(), e.getMessage());
      throw e;
    }
    StepStats total = new StepStats();
    result
        .sources()
        .forEach(
            (source, n) -> {
              total.pointsRead += n.records();
              total.rowsWritten += n.used();
              total.duplicates += n.duplicates();
              total.pointsRejected += n.rejected();
              total.addRows(source, n.used());
            });
    runs.finished(run, "lakehouse", "silver", today(), started, "succeeded", total, null);
    return result;
  }

  public GoldResult gold(RunId run) throws SQLException {
    Instant started = runs.started(run, "lakehouse", "gold", today());
    try {
      GoldResult result = new GoldRefresh(warehouse, log).run(run);
      StepStats stats = new StepStats();
      stats.addRows("changed_workouts", result.changedWorkouts());
      stats.addRows("changed_mac_addresses", result.changedMacAddresses());
      runs.finished(run, "lakehouse", "gold", today(), started, "succeeded", stats, null);
      return result;
    } catch (SQLException | RuntimeException e) {
      runs.finished(
          run, "lakehouse", "gold", today(), started, "failed", new StepStats(), e.getMessage());
      throw e;
    }
  }

  public Warehouse warehouse() {
    return warehouse;
  }

  public LakehouseConfig config() {
    return lakehouse;
  }

  public LakeLayout lake() {
    return lake;
  }

  private IngestBatches batches() {
    return new IngestBatches(warehouse, store, lake, clock);
  }

  private Window today() {
    LocalDate day = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
    return new Window(day, day);
  }

  private interface Stage {
    IngestResult run() throws SQLException, IOException;
  }

  private IngestResult recorded(RunId run, String subject, Stage stage)
      throws SQLException, IOException {
    Instant started = runs.started(run, subject, "ingest", today());
    try {
      IngestResult result = stage.run();
      StepStats stats = new StepStats();
      stats.pointsRead = result.records();
      stats.rowsWritten = result.records();
      stats.filesLoaded = result.files();
      stats.addRows("bronze", result.records());
      runs.finished(run, subject, "ingest", today(), started, "succeeded", stats, null);
      return result;
    } catch (SQLException | IOException | RuntimeException e) {
      runs.finished(
          run, subject, "ingest", today(), started, "failed", new StepStats(), e.getMessage());
      throw e;
    }
  }
}

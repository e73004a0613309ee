package io.fitbitpipeline.core.step;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fitbitpipeline.core.config.PipelineConfig;
import io.fitbitpipeline.core.format.DayValidator;
import io.fitbitpipeline.core.format.FitbitDayParser;
import io.fitbitpipeline.core.format.InputLimits;
import io.fitbitpipeline.core.format.RawBody;
import io.fitbitpipeline.core.format.RawDayReader;
import io.fitbitpipeline.core.lake.LakeLayout;
import io.fitbitpipeline.core.lake.ObjectStore;
import io.fitbitpipeline.core.lake.RawLayout;
import io.fitbitpipeline.core.run.EventLog;
import io.fitbitpipeline.core.run.PipelineRuns;
import io.fitbitpipeline.core.warehouse.Ledger;
import io.fitbitpipeline.core.warehouse.Migrations;
import io.fitbitpipeline.core.warehouse.Warehouse;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;

/**
 * Wires the steps from one configuration: the only place that knows how the parts fit. Step apps
 * and the launcher build one and call a step; tests build one against the local servers.
 */
public final class Pipeline {
  private final PipelineConfig config;
  private final ObjectStore store;
  private final LakeLayout lake;
  private final RawLayout raw;
  private final Warehouse warehouse;
  private final Manifests manifests;
  private final PipelineRuns runs;
  private final EventLog log;
  private final Clock clock;
  private final Path workRoot;

  public Pipeline(
      PipelineConfig config, ObjectStore store, EventLog log, Clock clock, Path workRoot) {
    ObjectMapper json = Manifests.objectMapper();
    this.config = config;
    this.store = store;
    this.lake = new LakeLayout(config.lakeBucket());
    this.raw = new RawLayout(config.rawPrefix());
    this.warehouse = Warehouse.create(config, store, lake);
    this.manifests = new Manifests(store, lake, json);
    this.runs = new PipelineRuns(warehouse, clock, json);
    this.log = log;
    this.clock = clock;
    this.workRoot = workRoot;
  }

  /** Applies missing migrations; every step calls it, so a new warehouse needs no setup. */
  public int migrate() throws SQLException, IOException {
    try (Connection c = warehouse.connect()) {
      return new Migrations(warehouse.dialect()).apply(c);
    }
  }

  public Extractor extractor() {
    return new Extractor(
        store,
        config.rawBucket(),
        raw,
        lake,
        new Ledger(warehouse),
        manifests,
        runs,
        log,
        config.users(),
        config.lookbackWeeks(),
        InputLimits.DEFAULT.maxFileBytes());
  }

  public Transformer transformer() {
    return new Transformer(
        store,
        config.rawBucket(),
        lake,
        manifests,
        new RawDayReader(
            new RawBody(InputLimits.DEFAULT),
            new FitbitDayParser(InputLimits.DEFAULT.jsonFactory()),
            new DayValidator()),
        runs,
        log,
        workRoot);
  }

  public Loader loader() {
    return new Loader(
        warehouse, lake, new ShardManifests(store, lake, manifests), runs, log, clock);
  }

  public Promoter promoter() {
    return new Promoter(
        warehouse,
        new ShardManifests(store, lake, manifests),
        runs,
        log,
        new DataYield(config.minValidHours()));
  }

  public Warehouse warehouse() {
    return warehouse;
  }
}

package io.fitbitpipeline.core.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fitbitpipeline.core.config.PipelineConfig;
import io.fitbitpipeline.core.config.S3Clients;
import io.fitbitpipeline.core.lake.ObjectStore;
import io.fitbitpipeline.core.lake.S3ObjectStore;
import io.fitbitpipeline.core.lakehouse.Lakehouse;
import io.fitbitpipeline.core.lakehouse.LakehouseConfig;
import io.fitbitpipeline.core.lakehouse.LakehouseSource;
import io.fitbitpipeline.core.lakehouse.bronze.IngestResult;
import io.fitbitpipeline.core.lakehouse.gold.GoldResult;
import io.fitbitpipeline.core.lakehouse.silver.SilverResult;
import io.fitbitpipeline.core.run.EventLog;
import io.fitbitpipeline.core.run.RunId;
import io.fitbitpipeline.core.step.Manifests;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.Map;

/**
 * What the lakehouse step images run, and the launcher's single stages: configuration from the
 * environment, one stage, the batch steps' exit codes. The last stdout line is the stage's result
 * as one JSON object (Airflow pushes it to XCom).
 */
public final class LakehouseStepApp {
  private final Map<String, String> env;
  private final PrintStream out;
  private final PrintStream err;
  private final Clock clock;
  private final Path workRoot;
  private final ObjectStore store;
  private final ObjectMapper json = Manifests.objectMapper();

  /**
   * @param store the object store, or null to build one from the environment's S3 settings
   */
  public LakehouseStepApp(
      Map<String, String> env,
      PrintStream out,
      PrintStream err,
      Clock clock,
      Path workRoot,
      ObjectStore store) {
    this.env = env;
    this.out = out;
    this.err = err;
    this.clock = clock;
    this.workRoot = workRoot;
    this.store = store;
  }

  public static LakehouseStepApp fromSystem() {
    return new LakehouseStepApp(
        System.getenv(),
        System.out,
        System.err,
        Clock.systemUTC(),
        Path.of(System.getProperty("java.io.tmpdir")),
        null);
  }

  public int ingest(IngestOptions options) {
    return run(
        options.runId(),
        (lakehouse, run) -> {
          ObjectNode result = json.createObjectNode();
          for (LakehouseSource topic : options.topics()) {
            IngestResult r = lakehouse.ingest(topic, options.partitions(), run);
            result.set(r.source(), json.valueToTree(r));
          }
          if (options.landing()) {
            for (IngestResult r : lakehouse.ingestLanding(run)) {
              result.set(r.source(), json.valueToTree(r));
            }
          }
          return result;
        });
  }

  public int silver(String runId) {
    return run(
        runId,
        (lakehouse, run) -> {
          SilverResult r = lakehouse.silver(run);
          return json.valueToTree(r);
        });
  }

  public int gold(String runId) {
    return run(
        runId,
        (lakehouse, run) -> {
          GoldResult r = lakehouse.gold(run);
          return json.valueToTree(r);
        });
  }

  private interface Stage {
    com.fasterxml.jackson.databind.JsonNode run(Lakehouse lakehouse, RunId run) throws Exception;
  }

  private int run(String runId, Stage stage) {
    return new ExitCodes(err)
        .run(
            () -> {
              RunId run =
                  runId != null
                      ? new RunId(runId)
                      : new RunId("lakehouse-" + clock.instant().truncatedTo(ChronoUnit.MILLIS));
              PipelineConfig config = PipelineConfig.fromEnvironment(env);
              config.requireWarehouse();
              // Kafka settings are checked where a consumer is made: landing and SQL need none.
              LakehouseConfig lakehouseConfig = LakehouseConfig.fromEnvironment(env);
              EventLog log = new EventLog(out, EventLog.formatFrom(env), clock, json);
              Lakehouse lakehouse =
                  new Lakehouse(
                      config,
                      lakehouseConfig,
                      store != null ? store : new S3ObjectStore(S3Clients.create(config)),
                      log,
                      clock,
                      workRoot);
              lakehouse.migrate();
              out.println(stage.run(lakehouse, run).toString());
            });
  }
}

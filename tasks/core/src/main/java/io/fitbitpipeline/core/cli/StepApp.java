package io.fitbitpipeline.core.cli;

import io.fitbitpipeline.core.config.ConfigurationException;
import io.fitbitpipeline.core.config.PipelineConfig;
import io.fitbitpipeline.core.config.S3Clients;
import io.fitbitpipeline.core.lake.S3ObjectStore;
import io.fitbitpipeline.core.run.EventLog;
import io.fitbitpipeline.core.run.StepName;
import io.fitbitpipeline.core.step.Manifests;
import io.fitbitpipeline.core.step.Pipeline;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;

/** What a step image runs: configuration from the environment, then one step. */
public final class StepApp {
  private final Map<String, String> env;
  private final PrintStream out;
  private final PrintStream err;
  private final Clock clock;

  public StepApp(Map<String, String> env, PrintStream out, PrintStream err, Clock clock) {
    this.env = env;
    this.out = out;
    this.err = err;
    this.clock = clock;
  }

  public static StepApp fromSystem() {
    return new StepApp(System.getenv(), System.out, System.err, Clock.systemUTC());
  }

  public int run(StepName step, StepOptions options, boolean dryRun) {
    Pipeline pipeline;
    try {
      PipelineConfig config = PipelineConfig.fromEnvironment(env);
      config.requireWarehouse();
      EventLog log = new EventLog(out, EventLog.formatFrom(env), clock, Manifests.objectMapper());
      pipeline =
          new Pipeline(
              config,
              new S3ObjectStore(S3Clients.create(config)),
              log,
              clock,
              Path.of(System.getProperty("java.io.tmpdir")));
    } catch (ConfigurationException | IllegalArgumentException e) {
      err.println("ERROR: " + e.getMessage());
      return StepRunner.INFRASTRUCTURE;
    }
    return new StepRunner(pipeline, out, err).run(step, options, dryRun);
  }
}

package io.fitbitpipeline.launcher;

import io.fitbitpipeline.core.run.EventLog;
import io.fitbitpipeline.core.step.Manifests;
import io.fitbitpipeline.core.step.Pipeline;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;

/** What every launcher command starts from: the environment, the state folder, the clock. */
record LauncherContext(Map<String, String> env, Path stateDir, Clock clock) {
  static LauncherContext fromSystem() {
    String state =
        System.getProperty(
            "pipeline.state",
            System.getenv().getOrDefault("PIPELINE_STATE_DIR", ".pipeline-local"));
    return new LauncherContext(System.getenv(), Path.of(state).toAbsolutePath(), Clock.systemUTC());
  }

  /** The lakehouse on the environment's servers, logging like the step images do. */
  io.fitbitpipeline.core.lakehouse.Lakehouse lakehouse(LocalEnvironment environment)
      throws java.io.IOException {
    EventLog log =
        new EventLog(System.out, EventLog.formatFrom(env), clock, Manifests.objectMapper());
    Path work = stateDir.resolve("work");
    java.nio.file.Files.createDirectories(work);
    return new io.fitbitpipeline.core.lakehouse.Lakehouse(
        environment.config(), environment.lakehouse(), environment.store(), log, clock, work);
  }

  Pipeline pipeline(LocalEnvironment environment) throws java.io.IOException {
    EventLog log =
        new EventLog(System.out, EventLog.formatFrom(env), clock, Manifests.objectMapper());
    Path work = stateDir.resolve("work");
    java.nio.file.Files.createDirectories(work);
    return new Pipeline(environment.config(), environment.store(), log, clock, work);
  }
}

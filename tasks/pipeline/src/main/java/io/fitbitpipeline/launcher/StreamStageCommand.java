package io.fitbitpipeline.launcher;

import io.fitbitpipeline.core.cli.IngestOptions;
import io.fitbitpipeline.core.cli.LakehouseStepApp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** One lakehouse stage, as its step image runs it, on the embedded servers unless configured. */
abstract class StreamStageCommand implements Callable<Integer> {
  abstract int run(LakehouseStepApp app);

  @Override
  public Integer call() throws Exception {
    LauncherContext context = LauncherContext.fromSystem();
    try (LocalEnvironment environment =
        LocalEnvironment.open(context.env(), context.stateDir(), System.err, true)) {
      Map<String, String> env = new HashMap<>(context.env());
      env.putAll(environment.variables());
      Path work = context.stateDir().resolve("work");
      Files.createDirectories(work);
      return run(
          new LakehouseStepApp(
              env, System.out, System.err, context.clock(), work, environment.store()));
    }
  }

  @Command(
      name = "ingest",
      mixinStandardHelpOptions = true,
      description = "Stage 1: topics and landing files into bronze.")
  static final class Ingest extends StreamStageCommand {
    @Mixin IngestOptions options;

    @Override
    int run(LakehouseStepApp app) {
      return app.ingest(options);
    }
  }

  @Command(
      name = "silver",
      mixinStandardHelpOptions = true,
      description = "Stage 2: new bronze records into silver.")
  static final class Silver extends StreamStageCommand {
    @Option(names = "--run-id", paramLabel = "ID")
    String runId;

    @Override
    int run(LakehouseStepApp app) {
      return app.silver(runId);
    }
  }

  @Command(
      name = "gold",
      mixinStandardHelpOptions = true,
      description = "Stage 3: changed silver keys into gold.")
  static final class Gold extends StreamStageCommand {
    @Option(names = "--run-id", paramLabel = "ID")
    String runId;

    @Override
    int run(LakehouseStepApp app) {
      return app.gold(runId);
    }
  }
}

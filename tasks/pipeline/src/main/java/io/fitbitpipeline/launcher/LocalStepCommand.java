package io.fitbitpipeline.launcher;

import io.fitbitpipeline.core.cli.StepOptions;
import io.fitbitpipeline.core.cli.StepRunner;
import io.fitbitpipeline.core.run.StepName;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** One step, as the step images run it, but on the embedded servers unless told otherwise. */
abstract class LocalStepCommand implements Callable<Integer> {
  @Mixin StepOptions options;

  abstract StepName step();

  boolean dryRun() {
    return false;
  }

  @Override
  public Integer call() throws Exception {
    LauncherContext context = LauncherContext.fromSystem();
    try (LocalEnvironment environment =
        LocalEnvironment.open(context.env(), context.stateDir(), System.err)) {
      return new StepRunner(context.pipeline(environment), System.out, System.err)
          .run(step(), options, dryRun());
    }
  }

  @Command(
      name = "extract",
      mixinStandardHelpOptions = true,
      description = "Step 1: list new raw files.")
  static final class Extract extends LocalStepCommand {
    @Option(names = "--dry-run", description = "list what would be processed; write nothing")
    boolean dryRun;

    @Override
    StepName step() {
      return StepName.EXTRACT;
    }

    @Override
    boolean dryRun() {
      return dryRun;
    }
  }

  @Command(
      name = "transform",
      mixinStandardHelpOptions = true,
      description = "Step 2: raw JSON to Parquet.")
  static final class Transform extends LocalStepCommand {
    @Override
    StepName step() {
      return StepName.TRANSFORM;
    }
  }

  @Command(
      name = "load",
      mixinStandardHelpOptions = true,
      description = "Step 3: Parquet to staging.")
  static final class Load extends LocalStepCommand {
    @Override
    StepName step() {
      return StepName.LOAD;
    }
  }

  @Command(
      name = "promote",
      mixinStandardHelpOptions = true,
      description = "Step 4: staging to production.")
  static final class Promote extends LocalStepCommand {
    @Override
    StepName step() {
      return StepName.PROMOTE;
    }
  }
}

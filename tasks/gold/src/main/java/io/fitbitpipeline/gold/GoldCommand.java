package io.fitbitpipeline.gold;

import io.fitbitpipeline.core.cli.ClassArchiveTraining;
import io.fitbitpipeline.core.cli.LakehouseStepApp;
import io.fitbitpipeline.core.cli.TrainingOption;
import io.quarkus.picocli.runtime.annotations.TopCommand;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The lakehouse's gold stage as a container entrypoint; all the work is in fitbit-core. */
@TopCommand
@Command(
    name = "gold",
    mixinStandardHelpOptions = true,
    description = "Recomputes the gold tables for the workouts and gym visits that silver changed.")
public class GoldCommand implements Callable<Integer> {
  @Mixin TrainingOption training;

  @Option(
      names = "--run-id",
      paramLabel = "ID",
      description = "ties the stages of one run together")
  String runId;

  @Override
  public Integer call() throws Exception {
    if (training.requested()) {
      return ClassArchiveTraining.fromSystem().run();
    }
    return LakehouseStepApp.fromSystem().gold(runId);
  }
}

package io.fitbitpipeline.silver;

import io.fitbitpipeline.core.cli.ClassArchiveTraining;
import io.fitbitpipeline.core.cli.LakehouseStepApp;
import io.fitbitpipeline.core.cli.TrainingOption;
import io.quarkus.picocli.runtime.annotations.TopCommand;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The lakehouse's silver stage as a container entrypoint; all the work is in fitbit-core. */
@TopCommand
@Command(
    name = "silver",
    mixinStandardHelpOptions = true,
    description =
        "Conforms the new bronze records into the silver tables (incremental, order-independent); invalid records go to silver.rejected_records.")
public class SilverCommand implements Callable<Integer> {
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
    return LakehouseStepApp.fromSystem().silver(runId);
  }
}

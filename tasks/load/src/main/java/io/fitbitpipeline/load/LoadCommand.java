package io.fitbitpipeline.load;

import io.fitbitpipeline.core.cli.ClassArchiveTraining;
import io.fitbitpipeline.core.cli.StepApp;
import io.fitbitpipeline.core.cli.StepOptions;
import io.fitbitpipeline.core.cli.TrainingOption;
import io.fitbitpipeline.core.run.StepName;
import io.quarkus.picocli.runtime.annotations.TopCommand;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** The load step as a container entrypoint; all the work is in fitbit-core. */
@TopCommand
@Command(
    name = "load",
    mixinStandardHelpOptions = true,
    description = "Copies the run's Parquet for one activity into the warehouse staging tables.")
public class LoadCommand implements Callable<Integer> {
  @Mixin TrainingOption training;

  @Mixin StepOptions options;

  @Override
  public Integer call() throws Exception {
    if (training.requested()) {
      return ClassArchiveTraining.fromSystem().run();
    }
    return StepApp.fromSystem().run(StepName.LOAD, options, false);
  }
}

package io.fitbitpipeline.promote;

import io.fitbitpipeline.core.cli.ClassArchiveTraining;
import io.fitbitpipeline.core.cli.StepApp;
import io.fitbitpipeline.core.cli.StepOptions;
import io.fitbitpipeline.core.cli.TrainingOption;
import io.fitbitpipeline.core.run.StepName;
import io.quarkus.picocli.runtime.annotations.TopCommand;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** The promote step as a container entrypoint; all the work is in fitbit-core. */
@TopCommand
@Command(
    name = "promote",
    mixinStandardHelpOptions = true,
    description =
        "Checks staging and replaces production user-day by user-day, in one transaction; prints the run's statistics as JSON.")
public class PromoteCommand implements Callable<Integer> {
  @Mixin TrainingOption training;

  @Mixin StepOptions options;

  @Override
  public Integer call() throws Exception {
    if (training.requested()) {
      return ClassArchiveTraining.fromSystem().run();
    }
    return StepApp.fromSystem().run(StepName.PROMOTE, options, false);
  }
}

package io.fitbitpipeline.extract;

import io.fitbitpipeline.core.cli.ClassArchiveTraining;
import io.fitbitpipeline.core.cli.StepApp;
import io.fitbitpipeline.core.cli.StepOptions;
import io.fitbitpipeline.core.cli.TrainingOption;
import io.fitbitpipeline.core.run.StepName;
import io.quarkus.picocli.runtime.annotations.TopCommand;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The extract step as a container entrypoint; all the work is in fitbit-core. */
@TopCommand
@Command(
    name = "extract",
    mixinStandardHelpOptions = true,
    description =
        "Finds the new or changed raw Fitbit files of one activity in the window and writes the run's manifest to the lake.")
public class ExtractCommand implements Callable<Integer> {
  @Mixin TrainingOption training;

  @Mixin StepOptions options;

  @Option(names = "--dry-run", description = "list what would be processed; write nothing")
  boolean dryRun;

  @Override
  public Integer call() throws Exception {
    if (training.requested()) {
      return ClassArchiveTraining.fromSystem().run();
    }
    return StepApp.fromSystem().run(StepName.EXTRACT, options, dryRun);
  }
}

package io.fitbitpipeline.transform;

import io.fitbitpipeline.core.cli.ClassArchiveTraining;
import io.fitbitpipeline.core.cli.StepApp;
import io.fitbitpipeline.core.cli.StepOptions;
import io.fitbitpipeline.core.cli.TrainingOption;
import io.fitbitpipeline.core.run.StepName;
import io.quarkus.picocli.runtime.annotations.TopCommand;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** The transform step as a container entrypoint; all the work is in fitbit-core. */
@TopCommand
@Command(
    name = "transform",
    mixinStandardHelpOptions = true,
    description =
        "Streams the manifest's raw files into validated, date-partitioned Parquet in the lake; quarantines invalid files.")
public class TransformCommand implements Callable<Integer> {
  @Mixin TrainingOption training;

  @Mixin StepOptions options;

  @Override
  public Integer call() throws Exception {
    if (training.requested()) {
      return ClassArchiveTraining.fromSystem().run();
    }
    return StepApp.fromSystem().run(StepName.TRANSFORM, options, false);
  }
}

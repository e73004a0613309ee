package io.fitbitpipeline.ingest;

import io.fitbitpipeline.core.cli.ClassArchiveTraining;
import io.fitbitpipeline.core.cli.IngestOptions;
import io.fitbitpipeline.core.cli.LakehouseStepApp;
import io.fitbitpipeline.core.cli.TrainingOption;
import io.quarkus.picocli.runtime.annotations.TopCommand;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** The lakehouse's ingest stage as a container entrypoint; all the work is in fitbit-core. */
@TopCommand
@Command(
    name = "ingest",
    mixinStandardHelpOptions = true,
    description =
        "Reads Kafka topics up to their current end and new CSV landing files into bronze (lake and warehouse), exactly once.")
public class IngestCommand implements Callable<Integer> {
  @Mixin TrainingOption training;

  @Mixin IngestOptions options;

  @Override
  public Integer call() throws Exception {
    if (training.requested()) {
      return ClassArchiveTraining.fromSystem().run();
    }
    return LakehouseStepApp.fromSystem().ingest(options);
  }
}

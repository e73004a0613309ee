package io.fitbitpipeline.report;

import io.fitbitpipeline.core.cli.ClassArchiveTraining;
import io.fitbitpipeline.core.cli.ReportApp;
import io.fitbitpipeline.core.cli.ReportOptions;
import io.fitbitpipeline.core.cli.TrainingOption;
import io.quarkus.picocli.runtime.annotations.TopCommand;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** The run report as a container entrypoint; all the work is in fitbit-core. */
@TopCommand
@Command(
    name = "report",
    mixinStandardHelpOptions = true,
    description = {
      "Writes the run report (one self-contained HTML page) to s3://LAKE_BUCKET/reports/<run id>/",
      "index.html; prints its location as JSON. Exit 4: the warehouse records nothing of the run."
    })
public class ReportCommand implements Callable<Integer> {
  @Mixin TrainingOption training;

  @Mixin ReportOptions options;

  @Override
  public Integer call() throws Exception {
    if (training.requested()) {
      return ClassArchiveTraining.fromSystem().run();
    }
    return ReportApp.fromSystem().run(options);
  }
}
